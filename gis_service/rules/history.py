"""State of a parcel on a date, folded from its append-only history (docs/data-model.md).

Two inputs share one fold: `parcel_event` rows (`Event`) and the `history` list of the sample
files, which `events_from_history` turns into the same events the loader writes. The sample
generator (`gis_service.sample`) folds its histories here; the SQL fold is tested against it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

Action = Literal["create", "update", "delete"]
State = dict[str, object]

ACTIONS: Final[tuple[Action, ...]] = ("create", "update", "delete")

# Fields stored as ISO strings in events and sample files that are dates in the domain.
DATE_FIELDS: Final[tuple[str, ...]] = (
    "start_date",
    "deadline",
    "completed_on",
    "committee_formed_on",
)
MILESTONE_DATE_FIELDS: Final[tuple[str, ...]] = ("due_date", "done_on")

# Python 3.11's fromisoformat also takes "20210630" and week dates; the format says YYYY-MM-DD.
_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class HistoryError(ValueError):
    """A history event or entry that cannot be read; the message names the field."""


@dataclass(frozen=True)
class Event:
    """One `parcel_event` row, reduced to what the fold needs."""

    id: int
    action: Action
    field: str | None
    new_value: object
    effective_date: date

    @classmethod
    def from_mapping(cls, row: Mapping[str, object]) -> Event:
        """Build an event from a mapping (a database row or JSON), checking every key."""
        event_id = row.get("id")
        if not isinstance(event_id, int) or isinstance(event_id, bool):
            raise HistoryError(f"event id must be an integer, got {event_id!r}")
        action = row.get("action")
        if action not in ACTIONS:
            raise HistoryError(f"event {event_id}: action must be one of {ACTIONS}, got {action!r}")
        field = row.get("field")
        if field is not None and not isinstance(field, str):
            raise HistoryError(f"event {event_id}: field must be a string or null, got {field!r}")
        return cls(
            id=event_id,
            action=action,
            field=field,
            new_value=row.get("new_value"),
            effective_date=_to_date(row.get("effective_date"), f"event {event_id}: effective_date"),
        )


def state_as_of(events: Iterable[Event | Mapping[str, object]], on: date) -> State | None:
    """The parcel's fields on a date, or None when it did not exist (yet, or any more)."""
    parsed = [e if isinstance(e, Event) else Event.from_mapping(e) for e in events]
    state: State | None = None
    for event in sorted(parsed, key=lambda e: (e.effective_date, e.id)):
        if event.effective_date > on:
            break
        state = _apply(state, event)
    return state


def _apply(state: State | None, event: Event) -> State | None:
    """Apply one event to a state; returns the new state (the input is not changed)."""
    if event.action == "delete":
        return None
    if state is None:
        # Only a create brings a parcel into existence; an update of a parcel that does not
        # exist on that day (deleted, or not yet created) has nothing to change.
        if event.action != "create":
            return None
        state = {}
    else:
        state = dict(state)
    if event.field is not None:
        # Copy so that lists and objects in the result are independent of the events.
        state[event.field] = copy.deepcopy(event.new_value)
    return state


def events_from_history(entries: Sequence[Mapping[str, object]]) -> list[Event]:
    """The events a sample-file `history` list stands for: first entry creates, later update."""
    events: list[Event] = []
    previous: date | None = None
    for index, entry in enumerate(entries):
        effective = _to_date(entry.get("effective_date"), f"history[{index}].effective_date")
        if previous is not None and effective < previous:
            # The format is oldest first; out-of-order entries would fold differently in SQL.
            raise HistoryError(
                f"history[{index}].effective_date {effective.isoformat()} is before the entry "
                f"above it ({previous.isoformat()}); entries must be oldest first"
            )
        previous = effective
        changes = entry.get("changes")
        if not isinstance(changes, Mapping):
            raise HistoryError(f"history[{index}].changes must be an object, got {changes!r}")
        action: Action = "create" if index == 0 else "update"
        for field, value in changes.items():
            if not isinstance(field, str):
                raise HistoryError(f"history[{index}].changes has a non-text key {field!r}")
            events.append(Event(len(events) + 1, action, field, value, effective))
    return events


def state_of_history(entries: Sequence[Mapping[str, object]], on: date) -> State | None:
    """The state on a date of a parcel given as a sample-file `history` list."""
    return state_as_of(events_from_history(entries), on)


def fold_changes(entries: Sequence[Mapping[str, object]]) -> State:
    """The final state of a sample-file `history` list (empty when the list is empty)."""
    return state_of_history(entries, date.max) or {}


def coerce_state(state: Mapping[str, object]) -> State:
    """A copy of a state with its ISO date strings (and milestones' dates) as `date`."""
    result: State = dict(state)
    for name in DATE_FIELDS:
        if name in result:
            result[name] = _to_optional_date(result[name], name)
    milestones = result.get("milestones")
    if isinstance(milestones, list):
        result["milestones"] = [
            _coerce_milestone(m, f"milestones[{i}]") for i, m in enumerate(milestones)
        ]
    return result


def _coerce_milestone(milestone: object, where: str) -> object:
    """A copy of one milestone with its dates as `date`; non-objects are left as they are."""
    if not isinstance(milestone, Mapping):
        return milestone
    result = dict(milestone)
    for name in MILESTONE_DATE_FIELDS:
        if name in result:
            result[name] = _to_optional_date(result[name], f"{where}.{name}")
    return result


def _to_optional_date(value: object, where: str) -> date | None:
    """None stays None; anything else must be a date or an ISO date string."""
    return None if value is None else _to_date(value, where)


def _to_date(value: object, where: str) -> date:
    """A `date` from a date or an ISO `YYYY-MM-DD` string; HistoryError naming the field."""
    if isinstance(value, date):
        # A datetime is a date too; keep only the day, as the fold compares days.
        return date(value.year, value.month, value.day)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise HistoryError(f"{where} must be an ISO date (YYYY-MM-DD), got {value!r}")
