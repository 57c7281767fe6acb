"""Parcel rows as GeoJSON Features, with the risk fields computed for an as-of date."""

from __future__ import annotations

from datetime import date
from typing import Any

from gis_service.parcels.fields import FIELD_KINDS, to_json_value
from gis_service.rules.levels import RiskThresholds, assess


def parcel_feature(
    row: dict[str, Any],
    *,
    on: date,
    thresholds: RiskThresholds,
    last_change: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A parcel row as a GeoJSON Feature whose properties follow DESIGN.md's names."""
    stored = {f: to_json_value(f, row.get(f)) for f in FIELD_KINDS if f != "geometry"}
    completed_on = row.get("completed_on")
    risk = assess(
        progress=row.get("progress"),
        start_date=row.get("start_date"),
        deadline=row.get("deadline"),
        completed_on=completed_on if completed_on is None or completed_on <= on else None,
        on=on,
        thresholds=thresholds,
    )
    properties = (
        {"code": row["code"]}
        | stored
        | {
            "version": row.get("version"),
            "updated_at": _iso_or_none(row.get("updated_at")),
            "as_of": on.isoformat(),
            "level": risk.level.value,
            "planned_progress": risk.planned_progress,
            "days_left": risk.days_left,
            "completed_late": risk.completed_late,
            "last_change": _last_change_json(last_change),
        }
    )
    return {
        "type": "Feature",
        "id": row["code"],
        "geometry": row.get("geometry"),
        "properties": properties,
    }


def feature_collection(features: list[dict[str, Any]], **members: Any) -> dict[str, Any]:
    """A GeoJSON FeatureCollection with extra top-level members (counts, links)."""
    return {"type": "FeatureCollection", "features": features} | members


def _last_change_json(change: dict[str, Any] | None) -> dict[str, Any] | None:
    """The last change of a parcel (field, effective date, actor) in JSON form."""
    if change is None:
        return None
    return {
        "field": change.get("field"),
        "effective_date": _iso_or_none(change.get("effective_date")),
        "actor": change.get("actor"),
    }


def _iso_or_none(value: Any) -> str | None:
    """ISO text of a date or datetime."""
    return None if value is None else value.isoformat()
