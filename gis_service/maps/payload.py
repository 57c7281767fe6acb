"""The data a planner map embeds: slim parcels, deadline windows and legend counts (pure)."""

from __future__ import annotations

import calendar
from collections import Counter
from datetime import date
from typing import Any

from gis_service.maps.geometry import Transform, label_point, prepare_geometry
from gis_service.maps.styling import stage_key
from gis_service.rules.levels import Level
from gis_service.rules.phrases import deadline_phrase

# Only what the popup, tooltip, filters and search show is embedded (issue 5, "Size").
_TEXT_FIELDS = ("code", "name", "category", "stage", "community", "responsible_unit", "level")
_DATE_FIELDS = ("deadline", "completed_on")
_INT_FIELDS = ("progress", "planned_progress", "days_left")


def slim_parcel(
    feature: dict[str, Any], as_of: date, *, transform: Transform | None, points: bool
) -> dict[str, Any]:
    """The embedded record of one parcel Feature: shown fields plus geometry or a point."""
    props = feature.get("properties") or {}
    record: dict[str, Any] = {k: _text(props.get(k)) for k in _TEXT_FIELDS + _DATE_FIELDS}
    record.update({k: _int(props.get(k)) for k in _INT_FIELDS})
    # The legend keys of both colourings; a parcel without a level is grey (no deadline).
    record["level"] = record["level"] or Level.GREY.value
    record["stage_key"] = stage_key(record["category"], record["stage"])
    record["completed_late"] = props.get("completed_late") is True
    record["illustrative"] = props.get("illustrative") is True
    record["milestones"] = [_milestone(m) for m in props.get("milestones") or []]
    record["last_change"] = _last_change(props.get("last_change"))
    done = record["level"] == "green"
    record["deadline_text"] = deadline_phrase(record["days_left"], done)
    record["windows"] = deadline_windows(_date(record["deadline"]), as_of, done)
    record["overdue"] = not done and record["days_left"] is not None and record["days_left"] < 0
    record["geometry"] = _geometry(feature.get("geometry"), transform, points)
    return record


def deadline_windows(deadline: date | None, as_of: date, done: bool) -> list[str]:
    """Which deadline filters a parcel falls in: `month`, `quarter` (due from D) or `overdue`."""
    if done or deadline is None:
        return []
    if deadline < as_of:
        return ["overdue"]
    windows = []
    if deadline <= _month_end(as_of):
        windows.append("month")
    if deadline <= _quarter_end(as_of):
        windows.append("quarter")
    return windows


def window_ends(as_of: date) -> tuple[date, date]:
    """The last days of the month and of the quarter of a date: the windows' upper bounds."""
    return _month_end(as_of), _quarter_end(as_of)


# The windows a parcel is in, per bucket of parcels_legend.sql (same bounds as above).
WINDOW_BUCKETS: dict[str, list[str]] = {
    "overdue": ["overdue"],
    "month": ["month", "quarter"],
    "quarter": ["quarter"],
    "": [],
}


def legend_counts(parcels: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Parcels per legend class of each colouring, from the embedded records."""
    return {
        "level": dict(Counter(p["level"] for p in parcels)),
        "stage": dict(Counter(p["stage_key"] for p in parcels)),
    }


def _geometry(
    geometry: dict[str, Any] | None, transform: Transform | None, points: bool
) -> dict[str, Any] | None:
    """The parcel's shape, or in point mode a point inside it, shifted and rounded."""
    if geometry is None or not points:
        return prepare_geometry(geometry, transform)
    lon, lat = label_point(geometry)
    return prepare_geometry({"type": "Point", "coordinates": [lon, lat]}, transform)


def _milestone(item: dict[str, Any]) -> dict[str, str | None]:
    """A milestone reduced to its name, due date and done date."""
    return {k: _text(item.get(k)) for k in ("name", "due_date", "done_on")}


def _last_change(change: dict[str, Any] | None) -> dict[str, str | None] | None:
    """The last change reduced to its field, effective date and actor."""
    if not change:
        return None
    return {k: _text(change.get(k)) for k in ("field", "effective_date", "actor")}


def _month_end(day: date) -> date:
    """The last day of the day's month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _quarter_end(day: date) -> date:
    """The last day of the day's calendar quarter."""
    last_month = (day.month - 1) // 3 * 3 + 3
    return _month_end(day.replace(day=1, month=last_month))


def _text(value: Any) -> str | None:
    """Text of a property, None kept."""
    return None if value is None else str(value)


def _int(value: Any) -> int | None:
    """A whole number of a property, None for missing or non-numeric."""
    try:
        return None if value is None else round(float(value))
    except (TypeError, ValueError):
        return None


def _date(value: str | None) -> date | None:
    """An ISO date, None when missing or malformed."""
    try:
        return None if value is None else date.fromisoformat(value[:10])
    except ValueError:
        return None
