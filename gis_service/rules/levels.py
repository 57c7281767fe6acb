"""Deadline risk level of a parcel on an as-of date: DESIGN.md's table, one rule per line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final


class Level(StrEnum):
    """The plan's five-level 红橙黄蓝绿 grading, plus grey for items without a deadline."""

    GREEN = "green"
    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    BLUE = "blue"
    GREY = "grey"


LEVEL_COLOURS: Final[dict[Level, str]] = {
    Level.GREEN: "#1a9850",
    Level.GREY: "#9e9e9e",
    Level.RED: "#d73027",
    Level.ORANGE: "#fc8d59",
    Level.YELLOW: "#fee08b",
    Level.BLUE: "#4575b4",
}

LEVEL_LABELS_ZH: Final[dict[Level, str]] = {
    Level.RED: "红 逾期",
    Level.ORANGE: "橙 临期或严重滞后",
    Level.YELLOW: "黄 需关注",
    Level.BLUE: "蓝 按期推进",
    Level.GREEN: "绿 已完成",
    Level.GREY: "灰 无期限",
}

# Order in legends and charts: most urgent first.
LEVEL_ORDER: Final[tuple[Level, ...]] = (
    Level.RED,
    Level.ORANGE,
    Level.YELLOW,
    Level.BLUE,
    Level.GREEN,
    Level.GREY,
)


@dataclass(frozen=True)
class RiskThresholds:
    """Thresholds of the risk table (days before the deadline, percentage points of lag)."""

    orange_days: int = 14
    yellow_days: int = 30
    orange_lag: int = 25
    yellow_lag: int = 10


@dataclass(frozen=True)
class Assessment:
    """Everything computed for one parcel on one as-of date."""

    as_of: date
    level: Level
    planned_progress: int | None
    days_left: int | None
    completed_late: bool | None


def planned_progress(start_date: date | None, deadline: date | None, on: date) -> int | None:
    """Linear planned progress on a date, 0 at start and 100 at the deadline, clamped."""
    if start_date is None or deadline is None:
        return None
    span = (deadline - start_date).days
    if span <= 0:
        return 100 if on >= deadline else 0
    # Integer arithmetic rounds exact halves up: 23 of 40 days is 57.5 % -> 58, where the
    # float 23 / 40 * 100 is 57.49999999999999 and rounded to 57.
    elapsed = (on - start_date).days
    return max(0, min(100, (200 * elapsed + span) // (2 * span)))


def days_left(deadline: date | None, on: date) -> int | None:
    """Whole days from the as-of date to the deadline; negative when overdue."""
    return None if deadline is None else (deadline - on).days


def completed_late(completed_on: date | None, deadline: date | None) -> bool | None:
    """True when completed after the deadline; None when not completed or no deadline."""
    if completed_on is None or deadline is None:
        return None
    return completed_on > deadline


def risk_level(
    *,
    progress: int | None,
    start_date: date | None,
    deadline: date | None,
    completed_on: date | None,
    on: date,
    thresholds: RiskThresholds = RiskThresholds(),
) -> Level:
    """The risk level by DESIGN.md's table: the first rule that applies wins."""
    if completed_on is not None and completed_on <= on:
        return Level.GREEN
    if deadline is None:
        return Level.GREY
    left = (deadline - on).days
    if left < 0:
        return Level.RED
    planned = planned_progress(start_date, deadline, on)
    lag = None if planned is None else planned - (progress or 0)
    if left <= thresholds.orange_days or (lag is not None and lag >= thresholds.orange_lag):
        return Level.ORANGE
    if left <= thresholds.yellow_days or (lag is not None and lag >= thresholds.yellow_lag):
        return Level.YELLOW
    return Level.BLUE


def assess(
    *,
    progress: int | None,
    start_date: date | None,
    deadline: date | None,
    completed_on: date | None,
    on: date,
    thresholds: RiskThresholds = RiskThresholds(),
) -> Assessment:
    """Level, planned progress, days left and lateness of one parcel on one date."""
    done = completed_on is not None and completed_on <= on
    return Assessment(
        as_of=on,
        level=risk_level(
            progress=progress,
            start_date=start_date,
            deadline=deadline,
            completed_on=completed_on,
            on=on,
            thresholds=thresholds,
        ),
        planned_progress=planned_progress(start_date, deadline, on),
        days_left=days_left(deadline, on),
        completed_late=completed_late(completed_on, deadline) if done else None,
    )
