"""The screen's figures as pure functions of Features and states (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from gis_service.rules.kpis import Kpi
from gis_service.rules.levels import Level
from gis_service.screen import screen_figures as figures
from gis_service.screen.bundle import legend, playback_dates


def feature(code: str, level: str, **props: Any) -> dict[str, Any]:
    """A Feature as parcel_feature makes it, reduced to what the figures read."""
    base = {"code": code, "level": level, "category": "idle_building", "name": code}
    return {"type": "Feature", "geometry": None, "properties": base | props}


def test_level_counts_list_every_level_most_urgent_first() -> None:
    counts = figures.level_counts([feature("A", "red"), feature("B", "red"), feature("C", "green")])
    assert list(counts) == ["red", "orange", "yellow", "blue", "green", "grey"]
    assert counts == {"red": 2, "orange": 0, "yellow": 0, "blue": 0, "green": 1, "grey": 0}


def test_watch_list_puts_the_most_overdue_first_then_orange() -> None:
    rows = figures.watch_list(
        [
            feature("O1", "orange", days_left=3),
            feature("R1", "red", days_left=-2, responsible_unit="甲"),
            feature("B1", "blue", days_left=90),
            feature("R2", "red", days_left=-40),
        ]
    )
    assert [r["code"] for r in rows] == ["R2", "R1", "O1"]
    assert rows[1]["unit"] == "甲"


def test_overdue_by_unit_counts_red_only_and_names_the_missing_unit() -> None:
    rows = figures.overdue_by_unit(
        [
            feature("A", "red", responsible_unit="乙"),
            feature("B", "red", responsible_unit="乙"),
            feature("C", "red"),
            feature("D", "orange", responsible_unit="丙"),
        ]
    )
    assert rows == [{"unit": "乙", "overdue": 2}, {"unit": figures.NO_UNIT_ZH, "overdue": 1}]


def test_monthly_completions_count_only_what_is_done_by_the_date() -> None:
    states = [
        {"code": "A", "completed_on": date(2021, 1, 5)},
        {"code": "B", "completed_on": date(2021, 3, 9)},
        {"code": "C", "completed_on": date(2021, 3, 20)},
        {"code": "D", "completed_on": date(2020, 12, 31)},
        {"code": "E", "completed_on": None},
    ]
    months = figures.monthly_completions(states, 2021, date(2021, 3, 10))
    assert [m["completions"] for m in months] == [1, 0, 1] + [0] * 9


def test_investments_take_key_projects_and_exact_amounts() -> None:
    states = [
        {"code": "KP-2", "plan_targets": ["T7"], "investment_wan": Decimal("30000.5"),
         "completed_on": date(2021, 5, 1), "name": "乙"},
        {"code": "KP-1", "plan_targets": ["T7"], "investment_wan": None, "completed_on": None,
         "name": "甲"},
        {"code": "IB-1", "plan_targets": ["T9"], "investment_wan": 1, "completed_on": None},
    ]  # fmt: skip
    rows = figures.investments(states, date(2021, 6, 30))
    assert [(r["code"], r["investment_wan"], r["done"]) for r in rows] == [
        ("KP-1", 0.0, False),
        ("KP-2", 30000.5, True),
    ]


def test_tiles_add_percent_and_days_left() -> None:
    kpi = Kpi("T2", "拆迁问题解决", "个", 32, 26, date(2021, 6, 30), Level.ORANGE, None)
    (tile,) = figures.tiles([kpi], date(2021, 6, 20))
    assert tile["percent"] == 81.3  # 81.25 rounds half up, as every rate on the screen
    assert tile["days_left"] == 10 and tile["actual"] == 26 and tile["level"] == "orange"
    assert figures.percent_of(5, 0) == 100.0


def test_tiles_and_watch_rows_carry_the_rules_deadline_phrase() -> None:
    late = Kpi("T2", "拆迁问题解决", "个", 32, 26, date(2021, 6, 30), Level.RED, None)
    done = Kpi("T1a", "拆迁区域清零", "个", 11, 11, date(2021, 2, 28), Level.GREEN, None)
    tiles = figures.tiles([late, done], date(2021, 7, 3))
    assert [t["days_zh"] for t in tiles] == ["逾期3天", "已完成"]
    watched = [feature("R1", "red", days_left=-2), feature("O1", "orange", days_left=0)]
    rows = figures.watch_list(watched)
    assert [r["days_zh"] for r in rows] == ["逾期2天", "今日到期"]


def test_category_progress_counts_green_as_done() -> None:
    rows = figures.category_progress(
        [feature("A", "green"), feature("B", "red"), feature("C", "green", category="key_project")]
    )
    by = {r["category"]: (r["target"], r["actual"]) for r in rows}
    assert by["idle_building"] == (2, 1) and by["key_project"] == (1, 1)
    assert by["demolition_area"] == (0, 0)


def test_playback_steps_a_week_from_new_year_to_new_year_s_eve() -> None:
    dates = playback_dates()
    assert dates[0] == date(2021, 1, 1) and dates[-1] == date(2021, 12, 31)
    assert {(b - a).days for a, b in zip(dates, dates[1:], strict=False)} == {7}


def test_legend_gives_each_level_its_one_character_name() -> None:
    shorts = [lv["short"] for lv in legend()["levels"]]
    assert shorts == ["红", "橙", "黄", "蓝", "绿", "灰"]
