"""The planners' interactive progress map (issue 5): a pure function returning a folium.Map."""

from __future__ import annotations

import html
from datetime import date, datetime
from typing import Any, Literal

import folium
from branca.element import Figure
from folium.plugins import Fullscreen, MarkerCluster

from gis_service.maps.assets import leaflet_only, link_assets
from gis_service.maps.basemaps import add_basemap
from gis_service.maps.gcj02 import wgs84_to_gcj02
from gis_service.maps.geometry import Transform, prepare_geometry
from gis_service.maps.labels import (
    COLOURINGS_ZH,
    DEADLINE_WINDOWS_ZH,
    PLANNER_WORDS_ZH,
    format_as_of,
)
from gis_service.maps.payload import legend_counts, slim_parcel
from gis_service.maps.planner_element import PlannerScript
from gis_service.maps.styling import (
    AVENUE_LINE,
    COMMUNITY_OUTLINE,
    LAND_FILL,
    PARCEL_OUTLINE,
    UNKNOWN_COLOUR,
    level_classes,
    stage_classes,
)
from gis_service.maps.tile_mode import TiledParcels, group_counts, tile_data
from gis_service.maps.tile_prefetch import add_tile_prefetch
from gis_service.parcels.fields import ISO_DATE, PROPERTY_LABELS_ZH
from gis_service.rules.stages import CATEGORIES, CATEGORY_LABELS_ZH, STAGE_LABELS_ZH

YATOU_CENTRE = (37.165, 122.43)  # lat, lon: the initial view before the data's bounds apply
COMMUNITIES_LAYER_ZH = "社区边界"
BASE_LAYER_ZH = "底图（陆地、成山大道）"


def build_planner_map(
    parcels: dict[str, Any],
    communities: dict[str, Any],
    *,
    land: dict[str, Any] | None,
    avenue: dict[str, Any] | None,
    as_of: date,
    colour: Literal["level", "stage"] = "level",
    title: str = "崖头街道城市更新进度图",
    data_changed_at: datetime | None = None,
    basemap: str = "none",
    tianditu_key: str | None = None,
    custom_tiles: str | None = None,
    custom_attribution: str | None = None,
    history_url: str | None = "/api/parcels/{code}/history",
    date_picker_url: str | None = "?as_of={as_of}",
    embed_limit: int = 5000,
    static_url: str = "/static/",
    tiled: TiledParcels | None = None,
) -> folium.Map:
    """The planners' map of parcels on an as-of date, its assets linked under `static_url`.

    Above `embed_limit` parcels only a point inside each parcel is embedded, clustered; with
    `tiled` (live pages only) no parcel is embedded and MapLibre GL draws them from the tiles.
    `history_url` and `date_picker_url` are templates ({code}, {as_of}); None hides the link or
    the date picker. Nothing here does I/O beyond reading the package's own static files.
    """
    if colour not in ("level", "stage"):
        raise ValueError(f"colour must be 'level' or 'stage', not {colour!r}")
    transform = wgs84_to_gcj02 if basemap == "gaode" else None
    m = _empty_map(title)
    add_basemap(m, basemap, tianditu_key, custom_tiles, custom_attribution)
    points = len(parcels.get("features") or []) > embed_limit
    records = [
        slim_parcel(f, as_of, transform=transform, points=points)
        for f in parcels.get("features") or []
    ]
    layers = _add_layers(m, points=points and tiled is None, light_base=basemap == "none")
    # folium plugins are untyped
    Fullscreen(position="topleft", title="全屏", title_cancel="退出全屏").add_to(m)  # type: ignore[no-untyped-call]
    folium.LayerControl(position="topright", collapsed=False).add_to(m)
    base = _base_data(communities, land, avenue, transform, light_base=basemap == "none")
    mode = "tiles" if tiled is not None else "points" if points else "shapes"
    options = _options(
        title, as_of, data_changed_at, colour, mode, embed_limit, history_url, date_picker_url
    )
    data = {**options, **_vocabulary(), **base, "parcels": records}
    if tiled is None:
        data["counts"] = legend_counts(records)
    else:
        data["counts"] = group_counts(tiled.groups)
        data["tiles"] = tile_data(tiled, as_of)
        add_tile_prefetch(m, data["tiles"])
    PlannerScript(data, layers, tiles=tiled is not None).add_to(m)
    return link_assets(leaflet_only(m), static_url)


def _options(
    title: str,
    as_of: date,
    data_changed_at: datetime | None,
    colour: str,
    mode: str,
    embed_limit: int,
    history_url: str | None,
    date_picker_url: str | None,
) -> dict[str, Any]:
    """The page's settings as planner.js reads them."""
    return {
        "title": title,
        "as_of": as_of.isoformat(),
        "as_of_text": format_as_of(as_of),
        "data_changed_at": _format_changed(data_changed_at),
        "colour": colour,
        "mode": mode,
        "embed_limit": embed_limit,
        "history_url": history_url,
        "date_picker_url": date_picker_url,
    }


def _empty_map(title: str) -> folium.Map:
    """A Leaflet map with no tiles, a scale bar, and the page titled."""
    m = folium.Map(
        location=YATOU_CENTRE,
        zoom_start=13,
        tiles=None,
        control_scale=False,  # planner.js adds a metric-only scale bar
        prefer_canvas=True,  # thousands of polygons draw far faster on one canvas than as SVG
        zoom_control="topleft",
    )
    m.options["max_zoom"] = 19  # Leaflet.markercluster needs the map's maxZoom; 19 ≈ 0.3 m/px
    figure = m.get_root()
    assert isinstance(figure, Figure), "a folium.Map always sits in a Figure"
    figure.title = html.escape(title)
    return m


def _add_layers(m: folium.Map, *, points: bool, light_base: bool) -> dict[str, Any]:
    """One toggled layer per category (clusters in point mode), communities, the light base."""
    layers: dict[str, Any] = {}
    if light_base:
        layers["base"] = folium.FeatureGroup(name=BASE_LAYER_ZH).add_to(m)
    layers["communities"] = folium.FeatureGroup(name=COMMUNITIES_LAYER_ZH).add_to(m)
    for category in CATEGORIES:
        name = CATEGORY_LABELS_ZH[category]
        layer = MarkerCluster(name=name) if points else folium.FeatureGroup(name=name)  # type: ignore[no-untyped-call]
        layers[category] = layer.add_to(m)
    return layers


def _base_data(
    communities: dict[str, Any],
    land: dict[str, Any] | None,
    avenue: dict[str, Any] | None,
    transform: Transform | None,
    *,
    light_base: bool,
) -> dict[str, Any]:
    """Community outlines with names, and the land polygon and avenue when drawn as the base."""
    shapes = [_named_shape(f, transform) for f in _features(communities)]
    return {
        "community_shapes": shapes,
        "community_outline": COMMUNITY_OUTLINE,
        "parcel_outline": PARCEL_OUTLINE,
        "land_fill": LAND_FILL,
        "avenue_line": AVENUE_LINE,
        "land": [_named_shape(f, None) for f in _features(land)] if light_base else [],
        "avenue": [_named_shape(f, None) for f in _features(avenue)] if light_base else [],
    }


def _named_shape(feature: dict[str, Any], transform: Transform | None) -> dict[str, Any]:
    """A feature reduced to its name and rounded (and shifted) geometry."""
    name = (feature.get("properties") or {}).get("name")
    return {
        "name": None if name is None else str(name),
        "geometry": prepare_geometry(feature.get("geometry"), transform),
    }


def _features(collection: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The features of a FeatureCollection, a lone Feature or a bare geometry."""
    if not collection:
        return []
    if collection.get("type") == "FeatureCollection":
        return list(collection.get("features") or [])
    if collection.get("type") == "Feature":
        return [collection]
    return [{"type": "Feature", "properties": {}, "geometry": collection}]


def _vocabulary() -> dict[str, Any]:
    """Every word and colour planner.js shows, from the rules, the field table and labels.py."""
    return {
        "categories": [{"key": c, "label": CATEGORY_LABELS_ZH[c]} for c in CATEGORIES],
        "stage_labels": STAGE_LABELS_ZH,
        "field_labels": PROPERTY_LABELS_ZH,
        "levels": level_classes(),
        "stages": stage_classes(),
        "unknown_colour": UNKNOWN_COLOUR,
        "windows": [list(w) for w in DEADLINE_WINDOWS_ZH],
        "colourings": [list(c) for c in COLOURINGS_ZH],
        "words": PLANNER_WORDS_ZH,
        "iso_date": ISO_DATE,
    }


def _format_changed(moment: datetime | None) -> str | None:
    """When the data last changed, to the minute, as the title bar shows it."""
    return None if moment is None else moment.strftime("%Y-%m-%d %H:%M")
