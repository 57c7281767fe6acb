"""Report periods and the 督办 rules, without a database."""

from __future__ import annotations

from datetime import date

import pytest

from gis_service.cli import main
from gis_service.rules.history import Event
from gis_service.rules.levels import Level, RiskThresholds
from gis_service.rules.periods import (
    PeriodError,
    count_per_week,
    last_full_period,
    parse_period,
    weeks_between,
)
from gis_service.rules.supervision import due_soon, level_since, overdue, pressed_by_unit, standing

THRESHOLDS = RiskThresholds()


def test_iso_week_and_month() -> None:
    week = parse_period("weekly", "2021-W26")
    assert (week.start, week.end, week.stem) == (
        date(2021, 6, 28),
        date(2021, 7, 4),
        "weekly-2021-W26",
    )
    assert week.previous.label == "2021-W25" and week.title_zh == "2021年第26周"
    month = parse_period("monthly", "2021-02")
    assert (month.start, month.end, month.previous.label) == (
        date(2021, 2, 1),
        date(2021, 2, 28),
        "2021-01",
    )
    assert parse_period("weekly", "2021-W01").start == date(2021, 1, 4)
    assert parse_period("monthly", "2021-01").previous.label == "2020-12"


@pytest.mark.parametrize(
    "kind, text", [("weekly", "2021-W54"), ("weekly", "2021-26"), ("weekly", "2021-W00"),
                   ("monthly", "2021-13"), ("monthly", "2021-6"), ("monthly", "2021-06-30")]
)  # fmt: skip
def test_bad_periods_are_refused(kind: str, text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(kind, text)  # type: ignore[arg-type]


def test_the_default_is_the_last_full_period() -> None:
    assert last_full_period("weekly", date(2021, 7, 5)).label == "2021-W26"  # a Monday
    assert last_full_period("weekly", date(2021, 7, 4)).label == "2021-W25"  # a Sunday
    assert last_full_period("monthly", date(2021, 7, 1)).label == "2021-06"


def test_completions_per_week() -> None:
    weeks = weeks_between(date(2021, 6, 28), date(2021, 7, 18))
    assert [w.label for w in weeks] == ["2021-W26", "2021-W27", "2021-W28"]
    days = [date(2021, 7, 4), date(2021, 7, 5), date(2021, 7, 6), date(2020, 1, 1)]
    assert count_per_week(days, weeks) == [("2021-W26", 1), ("2021-W27", 2), ("2021-W28", 0)]


def _state(
    code: str, deadline: str | None, unit: str | None = "城建办", **more: object
) -> dict[str, object]:
    return {"code": code, "progress": 50, "start_date": date(2021, 1, 1),
            "deadline": None if deadline is None else date.fromisoformat(deadline),
            "responsible_unit": unit, **more}  # fmt: skip


def test_overdue_due_soon_and_pressed_groups() -> None:
    on = date(2021, 7, 4)
    items = [
        standing(_state("A", "2021-06-30"), on, THRESHOLDS),  # red, 4 days overdue
        standing(_state("B", "2021-07-10", unit=None), on, THRESHOLDS),  # orange, 6 days left
        standing(_state("C", "2021-07-04"), on, THRESHOLDS),  # due today: orange, not red
        standing(_state("D", "2021-06-01", completed_on=date(2021, 7, 1)), on, THRESHOLDS),
        standing(_state("E", None), on, THRESHOLDS),
    ]
    assert [s.level for s in items] == [
        Level.RED,
        Level.ORANGE,
        Level.ORANGE,
        Level.GREEN,
        Level.GREY,
    ]
    assert [s.state["code"] for s in overdue(items)] == ["A"] and items[0].days_overdue == 4
    assert [s.state["code"] for s in due_soon(items)] == ["C", "B"]
    groups = pressed_by_unit(items)
    assert {u: [s.state["code"] for s in g] for u, g in groups.items()} == {
        "城建办": ["A", "C"], "（未填责任单位）": ["B"]
    }  # fmt: skip


def test_level_since_follows_edits_and_the_calendar() -> None:
    events = [
        Event(1, "create", "progress", 0, date(2021, 1, 1)),
        Event(2, "create", "start_date", "2021-01-01", date(2021, 1, 1)),
        Event(3, "create", "deadline", "2021-06-30", date(2021, 1, 1)),
        Event(4, "update", "deadline", "2021-06-20", date(2021, 6, 10)),
    ]
    # Red from the day after the moved deadline; orange (lagging) before.
    assert level_since(events, Level.RED, date(2021, 7, 4), THRESHOLDS) == date(2021, 6, 21)


def test_cli_refuses_a_bad_week_before_touching_the_database(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["report", "weekly", "--week", "2021-W60"]) == 2
    assert "2021-W26" in capsys.readouterr().err
