"""One parcel's life as the sample files store it: a creation entry, then dated changes.

The entries follow docs/data-model.md: oldest first, one per date, the first holding every
field (nulls too), later ones only what changed, milestones travelling whole.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any, Final

from gis_service.parcels.fields import FIELD_KINDS

ACTOR: Final = "sample-data"
MILESTONES_DONE: Final = "_milestones_done"  # internal key of Story entries, never written


def property_order() -> tuple[str, ...]:
    """The properties of a sample parcel in file order: the stored fields and the code.

    The field table decides which fields there are; the files put `code` first and
    `plan_targets` beside `category`, the order they were first written in.
    """
    stored = [name for name in FIELD_KINDS if name not in ("geometry", "plan_targets")]
    after_category = stored.index("category") + 1
    return ("code", *stored[:after_category], "plan_targets", *stored[after_category:])


PROPERTY_ORDER: Final = property_order()


def blank_properties() -> dict[str, Any]:
    """Every property of a parcel, all null, in file order."""
    return dict.fromkeys(PROPERTY_ORDER)


def milestone(name: str, due: str, done: date | str | None = None) -> dict[str, Any]:
    """A milestone as the files hold it: dates as ISO text."""
    done_text = done.isoformat() if isinstance(done, date) else done
    return {"name": name, "due_date": due, "done_on": done_text}


class Story:
    """The life of one parcel: the creation entry, then dated changes (docs/data-model.md)."""

    def __init__(self, created: date, initial: dict[str, Any]) -> None:
        values = blank_properties()
        values.update(initial)
        values["illustrative"] = True
        self.entries: list[tuple[date, dict[str, Any]]] = [(created, values)]

    def change(self, on: date, **changes: Any) -> Story:
        """Record changes of fields on a date."""
        self.entries.append((on, changes))
        return self

    def milestone_done(self, on: date, *names: str) -> Story:
        """Mark milestones done on a date; history() turns this into the whole list."""
        self.entries.append((on, {MILESTONES_DONE: names}))
        return self

    def history(self) -> list[dict[str, Any]]:
        """Entries oldest first, one per date, no-op changes dropped, dates as ISO text."""
        merged: dict[date, dict[str, Any]] = {}
        for on, changes in sorted(self.entries, key=lambda e: e[0]):
            day = merged.setdefault(on, {})
            done = day.get(MILESTONES_DONE, ()) + changes.get(MILESTONES_DONE, ())
            day.update(changes)
            if done:
                day[MILESTONES_DONE] = done
        state: dict[str, Any] = {}
        result = []
        for index, (on, changes) in enumerate(sorted(merged.items())):
            encoded = {k: encode(v) for k, v in changes.items() if k != MILESTONES_DONE}
            if MILESTONES_DONE in changes:
                # Milestones travel whole: the list as it stands on this day.
                encoded["milestones"] = [
                    m | {"done_on": on.isoformat()} if m["name"] in changes[MILESTONES_DONE] else m
                    for m in copy.deepcopy(_milestones(encoded, state))
                ]
            if index > 0:
                encoded = {k: v for k, v in encoded.items() if state.get(k) != v}
                if not encoded:
                    continue
            state.update(copy.deepcopy(encoded))
            result.append({"effective_date": on.isoformat(), "actor": ACTOR, "changes": encoded})
        return result


def _milestones(changes: dict[str, Any], state: dict[str, Any]) -> Any:
    """The milestone list of a day: the one it changes to, else the one standing."""
    return changes["milestones"] if "milestones" in changes else state["milestones"]


def encode(value: Any) -> Any:
    """Dates as ISO text, the rest as it is."""
    return value.isoformat() if isinstance(value, date) else value
