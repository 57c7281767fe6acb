"""Colours of the maps: by deadline-risk level (DESIGN.md) or by stage (sequential palette)."""

from __future__ import annotations

from typing import Final

from gis_service.rules.levels import LEVEL_COLOURS, LEVEL_LABELS_ZH, LEVEL_ORDER
from gis_service.rules.stages import CATEGORIES, CATEGORY_LABELS_ZH, STAGE_LABELS_ZH, STAGES

# A sequential light-to-dark ramp (ColorBrewer YlGnBu end points and middle): early stages
# are pale, the completed stage darkest, so "how far along" reads at a glance in every category.
STAGE_RAMP: Final[tuple[str, ...]] = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
UNKNOWN_COLOUR: Final[str] = "#9e9e9e"
COMMUNITY_OUTLINE: Final[str] = "#6a51a3"
PARCEL_OUTLINE: Final[str] = "#37474f"
# The light base drawn when no tile layer is chosen: land and 成山大道.
LAND_FILL: Final[str] = "#f5f2ea"
AVENUE_LINE: Final[str] = "#d9a441"


def stage_colour(category: str | None, stage: str | None) -> str:
    """Fill colour of a stage: its position in the category's order along the ramp."""
    stages = STAGES.get(category or "", ())
    if stage not in stages:
        return UNKNOWN_COLOUR
    share = stages.index(stage) / max(1, len(stages) - 1)
    return _ramp(share)


def _ramp(share: float) -> str:
    """The ramp colour at 0 ≤ share ≤ 1, interpolated in RGB between anchors."""
    steps = len(STAGE_RAMP) - 1
    low = min(int(share * steps), steps - 1)
    t = share * steps - low
    a, b = _rgb(STAGE_RAMP[low]), _rgb(STAGE_RAMP[low + 1])
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


def _rgb(colour: str) -> tuple[int, int, int]:
    """Red, green and blue of a #rrggbb colour."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def level_classes() -> list[dict[str, str]]:
    """Legend classes of the level colouring, most urgent first."""
    return [
        {"key": lvl.value, "label": LEVEL_LABELS_ZH[lvl], "colour": LEVEL_COLOURS[lvl]}
        for lvl in LEVEL_ORDER
    ]


def stage_classes() -> list[dict[str, str]]:
    """Legend classes of the stage colouring, grouped by category in stage order."""
    return [
        {
            "key": stage_key(category, stage),
            "group": CATEGORY_LABELS_ZH[category],
            "label": STAGE_LABELS_ZH[category][stage],
            "colour": stage_colour(category, stage),
        }
        for category in CATEGORIES
        for stage in STAGES[category]
    ]


def stage_key(category: str | None, stage: str | None) -> str:
    """The legend key of a stage (stages repeat across categories, so both are needed)."""
    return f"{category}/{stage}"
