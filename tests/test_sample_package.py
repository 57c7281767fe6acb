"""The sample generator's parts on hand-made histories; the service never imports it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import gis_service
from gis_service.parcels.fields import FIELD_KINDS
from gis_service.sample.figure_table import figure_row, lateness_lines
from gis_service.sample.history_checks import history_problems
from gis_service.sample.story import PROPERTY_ORDER, Story, milestone


def history(code: str, target: str, category: str, stage: str, **initial: Any) -> Story:
    """A story created on 2021-01-01 with the given fields."""
    fields = {"code": code, "name": code, "category": category, "stage": stage, "progress": 0}
    return Story(date(2021, 1, 1), fields | {"plan_targets": [target], **initial})


def hand_made() -> list[list[dict[str, Any]]]:
    """A demolition area, an idle building, a late key project and an open problem site."""
    area = history("DA-01", "T1", "demolition_area", "demolishing", deadline=date(2021, 2, 28),
                   buildings_total=10, buildings_demolished=4)  # fmt: skip
    area.change(date(2021, 2, 10), stage="cleared", progress=100, buildings_demolished=10,
                completed_on=date(2021, 2, 10))  # fmt: skip
    idle = history("IB-01", "T9", "idle_building", "idle", floor_area_m2=1000,
                   vacant_area_m2=800, deadline=date(2023, 12, 31))  # fmt: skip
    idle.change(date(2021, 3, 1), stage="partly_operating", vacant_area_m2=500)
    project = history("KP-01", "T7", "key_project", "under_construction",
                      deadline=date(2021, 3, 1), investment_wan=30000)  # fmt: skip
    project.change(date(2021, 3, 5), stage="operating", progress=100, completed_on=date(2021, 3, 5))
    site = history("PS-01", "T2", "demolition_area", "acquiring", deadline=date(2021, 6, 30))
    return [s.history() for s in (area, idle, project, site)]


def test_a_figure_row_is_the_kpis_of_the_day() -> None:
    start = figure_row(hand_made(), date(2021, 1, 1))
    assert start["T1 areas cleared (of 11)"] == "0"
    assert start["T1 buildings demolished (of 705)"] == "4"
    assert start["T9 revitalisation rate, %"] == "20.0"
    assert start["T9 change since 2021-01-01, points"] == "+0.0"
    later = figure_row(hand_made(), date(2021, 3, 31))
    assert later["as of"] == "2021-03-31"
    assert later["T1 areas cleared (of 11)"] == "1"
    assert later["T1 buildings demolished (of 705)"] == "10"
    assert later["T2 problems solved (of 32)"] == "0"
    assert later["T7 projects done (of 5)"] == "1"
    assert later["T7 investment done, 万元 (of 130000)"] == "30000"
    assert later["T9 revitalisation rate, %"] == "50.0"
    assert later["T9 change since 2021-01-01, points"] == "+30.0"


def test_lateness_lines_name_late_and_open_parcels_with_a_2021_deadline() -> None:
    lines = lateness_lines(hand_made())
    assert lines == (
        "- Done after the deadline (1): KP-01 KP-01 (2021-03-05 > 2021-03-01).\n"
        "- Not done by 2021-12-31 (1): PS-01 PS-01 (deadline 2021-06-30).\n"
    )


def test_a_story_starts_with_every_field_of_the_field_table() -> None:
    first = hand_made()[0][0]
    assert list(first["changes"]) == list(PROPERTY_ORDER)
    assert set(PROPERTY_ORDER) == {"code", *FIELD_KINDS} - {"geometry"}
    assert first["changes"]["illustrative"] is True and first["actor"] == "sample-data"


def test_milestones_travel_whole_and_no_op_changes_are_dropped() -> None:
    plan = [milestone("摸底", "2021-03-31"), milestone("业委会", "2021-06-30")]
    story = history("OC-001", "T3", "old_compound", "not_started", milestones=plan)
    story.milestone_done(date(2021, 3, 2), "摸底")
    story.change(date(2021, 4, 1), stage="not_started")  # the same stage: no entry
    entries = story.history()
    assert [e["effective_date"] for e in entries] == ["2021-01-01", "2021-03-02"]
    assert entries[1]["changes"] == {
        "milestones": [
            {"name": "摸底", "due_date": "2021-03-31", "done_on": "2021-03-02"},
            {"name": "业委会", "due_date": "2021-06-30", "done_on": None},
        ]
    }


def test_checks_name_each_broken_rule_of_a_step() -> None:
    assert all(history_problems(h) == [] for h in hand_made())
    broken = history("DA-02", "T1", "demolition_area", "cleared", progress=120,
                     start_date=date(2021, 3, 1), deadline=date(2021, 2, 1),
                     floor_area_m2=10, vacant_area_m2=11,
                     milestones=[milestone("清零", "2021-02-01", "2021-05-01")])  # fmt: skip
    broken.change(date(2021, 2, 1), stage="operating", committee_formed_on=date(2021, 3, 1))
    problems = history_problems(broken.history())
    assert problems == [
        "on 2021-01-01: last stage without completed_on",
        "on 2021-01-01: progress 120",
        "on 2021-01-01: deadline before start_date",
        "on 2021-01-01: vacant 11 not within 0..10",
        "on 2021-01-01: milestone 清零 done after the effective date",
        "on 2021-02-01: stage operating is not one of demolition_area",
        "on 2021-02-01: progress 120",
        "on 2021-02-01: deadline before start_date",
        "on 2021-02-01: vacant 11 not within 0..10",
        "on 2021-02-01: committee_formed_on 2021-03-01 after its effective date",
        "on 2021-02-01: milestone 清零 done after the effective date",
    ]


def test_checks_refuse_entries_out_of_order() -> None:
    entries = hand_made()[0]
    assert history_problems([entries[1], entries[0]]) == [
        "entries are not oldest first, one a date"
    ]


def test_the_service_never_imports_the_generator() -> None:
    package = Path(gis_service.__file__).parent
    importers = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "sample" not in path.relative_to(package).parts
        and re.search(r"^\s*(from|import) gis_service\.sample", path.read_text("utf-8"), re.M)
    ]
    assert importers == []
