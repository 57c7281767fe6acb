"""Parcel rows as GeoJSON Features, with the risk fields computed for an as-of date."""

from __future__ import annotations

from datetime import date
from typing import Any

from gis_service.parcels.fields import FIELD_KINDS, to_json_value
from gis_service.raw_json import RawFeatures, RawJSON
from gis_service.rules.levels import Assessment, RiskThresholds, assess


def parcel_feature(
    row: dict[str, Any],
    *,
    on: date,
    thresholds: RiskThresholds,
) -> dict[str, Any]:
    """A parcel row as a GeoJSON Feature whose properties follow DESIGN.md's names.

    An outline given as text (GeoJSON written by PostgreSQL) stays text, as RawJSON.
    """
    stored = {f: to_json_value(f, row.get(f)) for f in FIELD_KINDS if f != "geometry"}
    risk = assess_row(row, on=on, thresholds=thresholds)
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
            "last_change": _last_change_json(row.get("last_change")),
        }
    )
    geometry = row.get("geometry")
    return {
        "type": "Feature",
        "id": row["code"],
        "geometry": RawJSON(geometry) if isinstance(geometry, str) else geometry,
        "properties": properties,
    }


def assess_row(row: dict[str, Any], *, on: date, thresholds: RiskThresholds) -> Assessment:
    """The risk assessment of a parcel row on a date (assess ignores a completion after it)."""
    return assess(
        progress=row.get("progress"),
        start_date=row.get("start_date"),
        deadline=row.get("deadline"),
        completed_on=row.get("completed_on"),
        on=on,
        thresholds=thresholds,
    )


def feature_collection(
    features: list[dict[str, Any]] | RawFeatures, **members: Any
) -> dict[str, Any]:
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
