"""Who must be pressed (督办) and what falls due: pure rules over parcel states on a date."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from gis_service.rules.history import Event, coerce_state, state_as_of
from gis_service.rules.levels import Level, RiskThresholds, assess

State = Mapping[str, object]

# The plan presses the unit responsible for items that are overdue (红) or close to it (橙).
PRESSED_LEVELS: Final[tuple[Level, ...]] = (Level.RED, Level.ORANGE)
DUE_SOON_DAYS: Final = 14
NO_UNIT_ZH: Final = "（未填责任单位）"


@dataclass(frozen=True)
class Standing:
    """One parcel on one date: its level and how many days are left (negative: overdue)."""

    state: State
    level: Level
    days_left: int | None

    @property
    def days_overdue(self) -> int:
        """Whole days past the deadline (0 when not overdue)."""
        return 0 if self.days_left is None else max(0, -self.days_left)


def standing(state: State, on: date, thresholds: RiskThresholds) -> Standing:
    """Level and days left of a parcel state on a date, by the risk table."""
    risk = assess(
        progress=_int(state.get("progress")),
        start_date=_date(state, "start_date"),
        deadline=_date(state, "deadline"),
        completed_on=_date(state, "completed_on"),  # assess ignores a completion after `on`
        on=on,
        thresholds=thresholds,
    )
    return Standing(state=state, level=risk.level, days_left=risk.days_left)


def standings(states: Iterable[State], on: date, thresholds: RiskThresholds) -> list[Standing]:
    """Every state's standing, ordered by code."""
    ranked = (standing(s, on, thresholds) for s in states)
    return sorted(ranked, key=lambda s: str(s.state.get("code")))


def overdue(items: Sequence[Standing]) -> list[Standing]:
    """Items past their deadline and not done (red), most overdue first."""
    late = [s for s in items if s.level is Level.RED]
    return sorted(late, key=lambda s: (-s.days_overdue, str(s.state.get("code"))))


def due_soon(items: Sequence[Standing], days: int = DUE_SOON_DAYS) -> list[Standing]:
    """Items not done whose deadline falls within the next `days` days (today included)."""
    soon = [
        s
        for s in items
        if s.level is not Level.GREEN and s.days_left is not None and 0 <= s.days_left <= days
    ]
    return sorted(soon, key=lambda s: (s.days_left or 0, str(s.state.get("code"))))


def pressed_by_unit(items: Sequence[Standing]) -> dict[str, list[Standing]]:
    """The 督办 list: red and orange items grouped by responsible unit (units sorted)."""
    groups: dict[str, list[Standing]] = {}
    for item in items:
        if item.level in PRESSED_LEVELS:
            unit = str(item.state.get("responsible_unit") or NO_UNIT_ZH)
            groups.setdefault(unit, []).append(item)
    order = {level: i for i, level in enumerate(PRESSED_LEVELS)}
    return {
        unit: sorted(
            groups[unit],
            key=lambda s: (order[s.level], -s.days_overdue, str(s.state.get("code"))),
        )
        for unit in sorted(groups)
    }


def level_since(
    events: Sequence[Event], level: Level, on: date, thresholds: RiskThresholds
) -> date:
    """The first day of the unbroken run of days, ending on `on`, the parcel held `level`.

    Levels change with the calendar as well as with edits, so each earlier day is folded and
    graded until a day shows another level or the parcel did not exist yet.
    """
    first_event = min((e.effective_date for e in events), default=on)
    day = on
    while day > first_event:
        before = day - timedelta(days=1)
        state = state_as_of(events, before)
        if state is None or standing(coerce_state(state), before, thresholds).level != level:
            break
        day = before
    return day


def _date(state: State, field: str) -> date | None:
    """A date field of a coerced state (database rows carry dates already)."""
    value = state.get(field)
    return value if isinstance(value, date) else None


def _int(value: object) -> int | None:
    """An integer field, None when absent."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None
