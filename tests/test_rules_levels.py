"""Deadline risk level, planned progress, days left and lateness (DESIGN.md's table)."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gis_service.rules.levels import (
    LEVEL_COLOURS,
    LEVEL_ORDER,
    Level,
    RiskThresholds,
    assess,
    completed_late,
    days_left,
    planned_progress,
    risk_level,
)

ON = date(2021, 6, 1)


@pytest.mark.parametrize(
    ("left", "expected"),
    [
        (31, Level.BLUE),
        (30, Level.YELLOW),
        (15, Level.YELLOW),
        (14, Level.ORANGE),
        (0, Level.ORANGE),
        (-1, Level.RED),
        (-100, Level.RED),
    ],
)
def test_level_by_days_left(left: int, expected: Level) -> None:
    # No start date: the lag rule is off, so only the days decide.
    level = risk_level(
        progress=0, start_date=None, deadline=ON + timedelta(days=left), completed_on=None, on=ON
    )
    assert level is expected


# 100-day span and the as-of date in its middle: planned progress is exactly 50, and 50 days
# remain, so only the lag decides.
LAG_START = date(2021, 1, 1)
LAG_DEADLINE = LAG_START + timedelta(days=100)
LAG_ON = LAG_START + timedelta(days=50)


@pytest.mark.parametrize(
    ("lag", "expected"),
    [
        (-20, Level.BLUE),
        (0, Level.BLUE),
        (9, Level.BLUE),
        (10, Level.YELLOW),
        (24, Level.YELLOW),
        (25, Level.ORANGE),
        (50, Level.ORANGE),
    ],
)
def test_level_by_lag(lag: int, expected: Level) -> None:
    assert planned_progress(LAG_START, LAG_DEADLINE, LAG_ON) == 50
    level = risk_level(
        progress=50 - lag,
        start_date=LAG_START,
        deadline=LAG_DEADLINE,
        completed_on=None,
        on=LAG_ON,
    )
    assert level is expected


def test_missing_progress_counts_as_zero_for_the_lag() -> None:
    level = risk_level(
        progress=None, start_date=LAG_START, deadline=LAG_DEADLINE, completed_on=None, on=LAG_ON
    )
    assert level is Level.ORANGE


def test_no_start_date_means_no_lag_rule() -> None:
    level = risk_level(
        progress=0, start_date=None, deadline=date(2021, 12, 31), completed_on=None, on=ON
    )
    assert level is Level.BLUE


def test_no_deadline_is_grey_unless_completed() -> None:
    assert risk_level(progress=10, start_date=None, deadline=None, completed_on=None, on=ON) is (
        Level.GREY
    )
    done = risk_level(progress=100, start_date=None, deadline=None, completed_on=ON, on=ON)
    assert done is Level.GREEN


@pytest.mark.parametrize(
    ("completed_on", "late"),
    [
        (date(2021, 5, 1), False),  # before the deadline
        (date(2021, 5, 20), False),  # on the deadline
        (date(2021, 5, 25), True),  # after the deadline, still before the as-of date
    ],
)
def test_completed_on_or_before_as_of_is_green(completed_on: date, late: bool) -> None:
    result = assess(
        progress=100,
        start_date=date(2021, 1, 1),
        deadline=date(2021, 5, 20),
        completed_on=completed_on,
        on=ON,
    )
    assert result.level is Level.GREEN
    assert result.completed_late is late
    assert result.days_left == -12


def test_completed_after_the_as_of_date_is_not_green() -> None:
    result = assess(
        progress=60,
        start_date=None,
        deadline=date(2021, 12, 31),
        completed_on=ON + timedelta(days=1),
        on=ON,
    )
    assert result.level is Level.BLUE
    assert result.completed_late is None
    overdue = risk_level(
        progress=60,
        start_date=None,
        deadline=ON - timedelta(days=1),
        completed_on=ON + timedelta(days=1),
        on=ON,
    )
    assert overdue is Level.RED


def test_assess_reports_planned_progress_and_days_left() -> None:
    result = assess(
        progress=10, start_date=LAG_START, deadline=LAG_DEADLINE, completed_on=None, on=LAG_ON
    )
    assert (result.as_of, result.level) == (LAG_ON, Level.ORANGE)
    assert (result.planned_progress, result.days_left, result.completed_late) == (50, 50, None)


@pytest.mark.parametrize(
    ("start", "deadline", "on", "expected"),
    [
        (date(2021, 1, 1), date(2021, 1, 11), date(2020, 12, 1), 0),  # before start: clamped
        (date(2021, 1, 1), date(2021, 1, 11), date(2021, 1, 1), 0),
        (date(2021, 1, 1), date(2021, 1, 11), date(2021, 1, 2), 10),
        (date(2021, 1, 1), date(2021, 1, 11), date(2021, 1, 11), 100),
        (date(2021, 1, 1), date(2021, 1, 11), date(2021, 3, 1), 100),  # after: clamped
        (date(2021, 1, 1), date(2021, 1, 4), date(2021, 1, 2), 33),  # 33.33 rounds down
        (date(2021, 1, 1), date(2021, 1, 4), date(2021, 1, 3), 67),  # 66.67 rounds up
        (date(2021, 1, 1), date(2021, 1, 3), date(2021, 1, 2), 50),
        (date(2021, 1, 1), date(2021, 2, 10), date(2021, 1, 24), 58),  # 23/40 = 57.5 -> 58
        (date(2021, 1, 1), date(2021, 7, 20), date(2021, 1, 30), 15),  # 29/200 = 14.5 -> 15
        (date(2021, 1, 1), date(2021, 1, 1), date(2020, 12, 31), 0),  # zero span, before
        (date(2021, 1, 1), date(2021, 1, 1), date(2021, 1, 1), 100),  # zero span, on the day
        (None, date(2021, 1, 1), date(2021, 1, 1), None),
        (date(2021, 1, 1), None, date(2021, 1, 1), None),
    ],
)
def test_planned_progress(
    start: date | None, deadline: date | None, on: date, expected: int | None
) -> None:
    assert planned_progress(start, deadline, on) == expected


@given(
    span=st.integers(min_value=1, max_value=3000),
    offset=st.integers(min_value=-500, max_value=3500),
)
def test_planned_progress_is_exact_half_up_rounding(span: int, offset: int) -> None:
    start = date(2021, 1, 1)
    share = Fraction(100 * offset, span)
    expected = max(0, min(100, int(share + Fraction(1, 2)) if share >= 0 else 0))
    got = planned_progress(start, start + timedelta(days=span), start + timedelta(days=offset))
    assert got == expected


def test_days_left_and_completed_late() -> None:
    assert days_left(date(2021, 6, 30), ON) == 29
    assert days_left(date(2021, 5, 31), ON) == -1
    assert days_left(None, ON) is None
    assert completed_late(date(2021, 7, 1), date(2021, 6, 30)) is True
    assert completed_late(date(2021, 6, 30), date(2021, 6, 30)) is False
    assert completed_late(None, date(2021, 6, 30)) is None
    assert completed_late(date(2021, 6, 30), None) is None


def test_thresholds_are_settings() -> None:
    strict = RiskThresholds(orange_days=40, yellow_days=60, orange_lag=5, yellow_lag=2)
    deadline = ON + timedelta(days=45)
    by_default = risk_level(
        progress=0, start_date=None, deadline=deadline, completed_on=None, on=ON
    )
    by_strict = risk_level(
        progress=0, start_date=None, deadline=deadline, completed_on=None, on=ON, thresholds=strict
    )
    assert (by_default, by_strict) == (Level.BLUE, Level.YELLOW)
    lag = risk_level(
        progress=47,
        start_date=LAG_START,
        deadline=LAG_DEADLINE,
        completed_on=None,
        on=LAG_ON,
        thresholds=RiskThresholds(orange_days=1, yellow_days=2, orange_lag=5, yellow_lag=2),
    )
    assert lag is Level.YELLOW


def test_every_level_has_a_colour_and_a_place() -> None:
    assert set(LEVEL_COLOURS) == set(Level) == set(LEVEL_ORDER)
    assert LEVEL_COLOURS[Level.RED] == "#d73027"
    assert LEVEL_ORDER[0] is Level.RED
