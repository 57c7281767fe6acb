"""What the /idle page and the edit page are given: the editor's table, the pipeline, limits."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from gis_service.idle.form import editor_config
from gis_service.idle.pipeline import revitalisation
from gis_service.maps.map_data import base_layers
from gis_service.maps.safe_json import script_json
from gis_service.maps.styling import level_classes, stage_colour
from gis_service.parcels.plan_status import kpis_as_of
from gis_service.rules.stages import CATEGORY_LABELS_ZH, STAGES
from gis_service.settings import Settings

IDLE_CATEGORY = "idle_building"


def editor_page_config(
    role: str | None, *, as_of: date, today: date, settings: Settings
) -> dict[str, Any]:
    """The editor's data: field table, the role's fields, stages, dates, the photo limit."""
    return {
        "as_of": as_of.isoformat(),
        "today": today.isoformat(),
        "editor": editor_config(role),
        "categories": CATEGORY_LABELS_ZH,
        "photo_max_bytes": settings.photo_max_bytes,
    }


def idle_page_config(
    session: Session, role: str | None, *, as_of: date, today: date, settings: Settings
) -> dict[str, Any]:
    """The /idle page's data: the editor's, the KPI headline, level colours, base layers."""
    kpis = kpis_as_of(session, as_of, thresholds=settings.thresholds)
    return editor_page_config(role, as_of=as_of, today=today, settings=settings) | {
        "category": IDLE_CATEGORY,
        "revitalisation": revitalisation(kpis).as_dict(),
        "levels": level_classes(),
        "stage_colours": {s: stage_colour(IDLE_CATEGORY, s) for s in STAGES[IDLE_CATEGORY]},
        "base": base_layers(settings),
    }


def as_script(config: dict[str, Any]) -> str:
    """The config as JSON safe inside <script type="application/json">."""
    return script_json(config)
