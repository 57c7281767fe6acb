"""Report periods: an ISO week (周调度) or a calendar month (月回头), parsed and defaulted."""

from __future__ import annotations

import re
from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final, Literal

Kind = Literal["weekly", "monthly"]
KINDS: Final[tuple[Kind, ...]] = ("weekly", "monthly")

_WEEK: Final = re.compile(r"([0-9]{4})-W([0-9]{2})")
_MONTH: Final = re.compile(r"([0-9]{4})-([0-9]{2})")


class PeriodError(ValueError):
    """A week or month that cannot be read; the message says what is expected."""


@dataclass(frozen=True)
class Period:
    """The days a report covers; its figures are those of the last day (`end`)."""

    kind: Kind
    label: str  # 2021-W26 or 2021-06: also the stem of the report's file names
    start: date
    end: date

    @property
    def previous(self) -> Period:
        """The week or month before this one (its figures are the "change since")."""
        return period_containing(self.kind, self.start - timedelta(days=1))

    @property
    def title_zh(self) -> str:
        """The period as a heading says it, e.g. 2021年第26周 or 2021年6月."""
        if self.kind == "weekly":
            year, week, _ = self.start.isocalendar()
            return f"{year}年第{week}周"
        return f"{self.start.year}年{self.start.month}月"

    @property
    def stem(self) -> str:
        """The file name stem, e.g. weekly-2021-W26."""
        return f"{self.kind}-{self.label}"


def parse_period(kind: Kind, text: str) -> Period:
    """A period from `2021-W26` (weekly) or `2021-06` (monthly); PeriodError otherwise."""
    if kind == "weekly":
        match = _WEEK.fullmatch(text)
        if match:
            try:
                monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
            except ValueError:
                pass
            else:
                return period_containing("weekly", monday)
        raise PeriodError(f"week must be an ISO week like 2021-W26, got {text!r}")
    match = _MONTH.fullmatch(text)
    if match and 1 <= int(match[2]) <= 12 and int(match[1]) >= 1:
        return period_containing("monthly", date(int(match[1]), int(match[2]), 1))
    raise PeriodError(f"month must be like 2021-06, got {text!r}")


def period_containing(kind: Kind, day: date) -> Period:
    """The ISO week (Monday to Sunday) or calendar month that holds a day."""
    if kind == "weekly":
        year, week, weekday = day.isocalendar()
        monday = day - timedelta(days=weekday - 1)
        return Period(kind, f"{year}-W{week:02d}", monday, monday + timedelta(days=6))
    last = monthrange(day.year, day.month)[1]
    start = date(day.year, day.month, 1)
    return Period(kind, f"{day.year}-{day.month:02d}", start, date(day.year, day.month, last))


def last_full_period(kind: Kind, today: date) -> Period:
    """The last week or month that has fully ended before today (the default report)."""
    return period_containing(kind, today).previous


def weeks_between(start: date, end: date) -> list[Period]:
    """The ISO weeks from the one holding `start` to the one holding `end`, in order."""
    weeks: list[Period] = []
    week = period_containing("weekly", start)
    while week.start <= end:
        weeks.append(week)
        week = period_containing("weekly", week.end + timedelta(days=1))
    return weeks


def count_per_week(days: Iterable[date], weeks: Sequence[Period]) -> list[tuple[str, int]]:
    """How many of the days fall in each week, as (label, count) in the weeks' order."""
    counts = {week.label: 0 for week in weeks}
    for day in days:
        label = period_containing("weekly", day).label
        if label in counts:
            counts[label] += 1
    return list(counts.items())
