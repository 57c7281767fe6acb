"""The stored fields of a parcel, their kinds, and their JSON form in events and GeoJSON."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Final, Literal

Kind = Literal["text", "int", "number", "date", "bool", "text_list", "milestones", "geometry"]

# Every field a parcel stores, by its public name (DESIGN.md), in the order GeoJSON shows them.
FIELD_KINDS: Final[dict[str, Kind]] = {
    "name": "text",
    "category": "text",
    "stage": "text",
    "progress": "int",
    "start_date": "date",
    "deadline": "date",
    "completed_on": "date",
    "community": "text",
    "responsible_unit": "text",
    "responsible_person": "text",
    "buildings_total": "int",
    "buildings_demolished": "int",
    "households": "int",
    "floor_area_m2": "number",
    "vacant_area_m2": "number",
    "investment_wan": "number",
    "committee_formed_on": "date",
    "intended_tenant": "text",
    "contact": "text",
    "plan_targets": "text_list",
    "note": "text",
    "illustrative": "bool",
    "milestones": "milestones",
    "geometry": "geometry",
}

# Columns of the parcel table that hold a field directly (not milestones, not geometry).
COLUMN_FIELDS: Final[tuple[str, ...]] = tuple(
    name for name, kind in FIELD_KINDS.items() if kind not in ("milestones", "geometry")
)

DATE_FIELDS: Final[frozenset[str]] = frozenset(
    name for name, kind in FIELD_KINDS.items() if kind == "date"
)

# Computed for a request's as-of date; never stored, never accepted as input.
COMPUTED_FIELDS: Final[tuple[str, ...]] = (
    "as_of",
    "level",
    "planned_progress",
    "days_left",
    "completed_late",
)

# Kept by the service; readable, never writable by clients.
SYSTEM_FIELDS: Final[tuple[str, ...]] = ("code", "version", "updated_at")


def to_json_value(field: str, value: Any) -> Any:
    """The JSON form of a field's value, as events and GeoJSON carry it."""
    if value is None:
        return None
    kind = FIELD_KINDS[field]
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if kind == "number":
        return _plain_number(value)
    if kind == "text_list":
        return list(value)
    if kind == "milestones":
        return [milestone_to_json(m) for m in value]
    return value


def milestone_to_json(milestone: dict[str, Any]) -> dict[str, Any]:
    """A milestone with its dates as ISO strings."""
    return {
        "name": milestone["name"],
        "due_date": _iso(milestone.get("due_date")),
        "done_on": _iso(milestone.get("done_on")),
    }


def from_json_value(field: str, value: Any) -> Any:
    """The Python value of a field from its JSON form (dates become `date`)."""
    if value is None:
        return None
    kind = FIELD_KINDS[field]
    if kind == "date":
        return date.fromisoformat(value) if isinstance(value, str) else value
    if kind == "milestones":
        return [
            {
                "name": m["name"],
                "due_date": _date_or_none(m.get("due_date")),
                "done_on": _date_or_none(m.get("done_on")),
            }
            for m in value
        ]
    return value


def _plain_number(value: Any) -> int | float:
    """A Decimal or float as int when whole, else float, so JSON stays tidy."""
    number = float(value) if isinstance(value, Decimal | str) else value
    return int(number) if float(number).is_integer() else float(number)


def _iso(value: Any) -> str | None:
    """ISO text of a date (strings pass through)."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _date_or_none(value: Any) -> date | None:
    """A date from ISO text (dates pass through)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
