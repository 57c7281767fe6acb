"""The report's two figures, drawn server-side with matplotlib (Agg, no display, no pyplot).

A `matplotlib.figure.Figure` with its own Agg canvas keeps no global state, so two reports
drawn at once (two requests) cannot draw into each other's axes.
"""

from __future__ import annotations

import io
import math
from collections import Counter
from collections.abc import Collection, Sequence
from datetime import date
from typing import Any, Final

from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

import geopandas as gpd
from shapely.geometry import shape

from gis_service.rules.levels import LEVEL_COLOURS, LEVEL_LABELS_ZH, LEVEL_ORDER, Level

# CJK fonts tried in order (Debian: fonts-wqy-microhei, fonts-noto-cjk); the HTML uses the same.
CJK_FONTS: Final[tuple[str, ...]] = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC")
DPI: Final = 150
_LAND: Final = "#f3efe6"
_WATER: Final = "#dbe8f0"
_OUTLINE: Final = "#8c8c8c"
_BAR: Final = "#4575b4"
_BAR_THIS: Final = "#d73027"


def cjk_font() -> str:
    """The first installed font of CJK_FONTS; RuntimeError naming the package when none is."""
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    for family in CJK_FONTS:
        if family in installed:
            return family
    raise RuntimeError("no CJK font for the report figures: apt-get install fonts-wqy-microhei")


def _figure(width: float, height: float) -> Figure:
    """A figure with its own Agg canvas."""
    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    """The figure as PNG; no timestamp or version in the file, so equal input is equal bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _cjk() -> Any:
    """Settings under which text is drawn with the CJK font (and a plain hyphen for minus)."""
    return rc_context({"font.family": [cjk_font()], "axes.unicode_minus": False})


def _frame(features: Sequence[dict[str, Any]]) -> gpd.GeoDataFrame:
    """GeoJSON features as a GeoDataFrame in WGS84 (empty geometry lists allowed)."""
    geometries = [shape(f["geometry"]) for f in features if f.get("geometry")]
    return gpd.GeoDataFrame(geometry=geometries, crs="EPSG:4326")


def level_map_png(
    parcels: Sequence[dict[str, Any]],
    communities: Sequence[dict[str, Any]],
    land: dict[str, Any] | None,
    as_of: date,
) -> bytes:
    """The area on the report's day, parcels coloured by risk level, with a counted legend."""
    with _cjk():
        return _level_map(parcels, communities, land, as_of)


def _level_map(
    parcels: Sequence[dict[str, Any]],
    communities: Sequence[dict[str, Any]],
    land: dict[str, Any] | None,
    as_of: date,
) -> bytes:
    """The drawing of level_map_png."""
    figure = _figure(7.0, 4.6)
    axes = figure.add_subplot()
    axes.set_facecolor(_WATER)
    shapes = _frame(parcels)
    minx, miny, maxx, maxy = shapes.total_bounds if len(shapes) else (122.3, 37.0, 122.6, 37.3)
    pad_x, pad_y = (maxx - minx) * 0.06, (maxy - miny) * 0.06
    if land:
        # The coastline is detailed; only the part in view is drawn (much faster to render).
        view = (minx - pad_x, miny - pad_y, maxx + pad_x, maxy + pad_y)
        _frame(land["features"]).clip_by_rect(*view).plot(ax=axes, color=_LAND, edgecolor="none")
    if communities:
        _frame(communities).plot(ax=axes, facecolor="none", edgecolor=_OUTLINE, linewidth=0.6,
                                 linestyle="--")  # fmt: skip
    levels = [Level(f["properties"]["level"]) for f in parcels if f.get("geometry")]
    if len(shapes):
        colours = [LEVEL_COLOURS[level] for level in levels]
        shapes.plot(ax=axes, color=colours, edgecolor="#333333", linewidth=0.3)
    counts = Counter(levels)
    handles = [
        Patch(
            facecolor=LEVEL_COLOURS[level],
            edgecolor="#333333",
            label=f"{LEVEL_LABELS_ZH[level]}（{counts[level]}）",
        )  # fmt: skip
        for level in LEVEL_ORDER
        if counts[level]
    ]
    axes.legend(
        handles=handles,
        loc="lower right",
        fontsize=8,
        title="风险等级",
        title_fontsize=9,
        framealpha=0.9,
    )
    axes.set_xlim(minx - pad_x, maxx + pad_x)
    axes.set_ylim(miny - pad_y, maxy + pad_y)
    # Degrees of longitude shrink with latitude; this keeps the area's shape true.
    axes.set_aspect(1 / math.cos(math.radians((miny + maxy) / 2)))
    axes.set_axis_off()
    axes.set_title(f"崖头街道更新地块风险等级（截至{as_of.isoformat()}）", fontsize=11)
    return _png(figure)


def completions_chart_png(weeks: Sequence[tuple[str, int]], highlight: Collection[str]) -> bytes:
    """Bars of parcels completed per ISO week; the report's own week (or weeks) in red."""
    with _cjk():
        return _completions_chart(weeks, highlight)


def _completions_chart(weeks: Sequence[tuple[str, int]], highlight: Collection[str]) -> bytes:
    """The drawing of completions_chart_png."""
    figure = _figure(7.0, 2.8)
    axes = figure.add_subplot()
    labels = [label for label, _ in weeks]
    values = [count for _, count in weeks]
    colours = [_BAR_THIS if label in highlight else _BAR for label in labels]
    axes.bar(range(len(weeks)), values, color=colours, width=0.75)
    step = max(1, len(weeks) // 13)
    axes.set_xticks(range(0, len(weeks), step), [labels[i][5:] for i in range(0, len(weeks), step)],
                    fontsize=7)  # fmt: skip
    axes.tick_params(axis="y", labelsize=7)
    axes.set_ylabel("完成数（项）", fontsize=8)
    axes.set_title("每周完成数", fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    for index, value in enumerate(values):
        if value:
            axes.text(index, value, str(value), ha="center", va="bottom", fontsize=6)
    return _png(figure)
