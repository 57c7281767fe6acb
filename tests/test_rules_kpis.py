"""The plan's KPIs computed from small hand-made parcel lists."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from gis_service.rules.kpis import KPI_DEFINITIONS, Kpi, compute_kpis, kpi_level
from gis_service.rules.levels import Level, RiskThresholds

IDS = ["T1a", "T1b", "T2", "T3a", "T3b", "T4", "T7", "T7i", "T8", "T9", "T9d", "T10", "T11"]


def parcel(code: str, *targets: str, **fields: object) -> dict[str, object]:
    """A parcel state as of some date; only what the KPIs read."""
    return {"code": code, "plan_targets": list(targets), "completed_on": None, **fields}


def kpis_on(
    parcels: list[dict[str, object] | None],
    on: date,
    baseline: list[dict[str, object] | None] | None = None,
) -> dict[str, Kpi]:
    """The KPIs by id."""
    return {k.id: k for k in compute_kpis(parcels, on, baseline=baseline)}


def done_on(day: date, count: int, *targets: str) -> list[dict[str, object] | None]:
    """Several parcels completed on one day."""
    return [parcel(f"P-{i}", *targets, completed_on=day) for i in range(count)]


def test_no_parcels_gives_every_kpi_at_zero() -> None:
    kpis = compute_kpis([], date(2021, 3, 1))
    assert [k.id for k in kpis] == IDS
    assert all(k.actual == 0 for k in kpis)
    by_id = {k.id: k for k in kpis}
    assert by_id["T7"].deadline == date(2021, 12, 31)
    assert by_id["T1a"].level is Level.RED  # its deadline, 2021-02-28, has passed
    assert by_id["T9d"].detail_zh is not None and "缺少" in by_id["T9d"].detail_zh


def test_plan_targets_and_deadlines_come_from_the_plan() -> None:
    table = {d.id: (d.plan_target, d.target, d.deadline) for d in KPI_DEFINITIONS}
    assert [d.id for d in KPI_DEFINITIONS] == IDS
    assert table["T1a"] == ("T1", 11, date(2021, 2, 28))
    assert table["T1b"] == ("T1", 705, date(2021, 2, 28))
    assert table["T2"] == ("T2", 32, date(2021, 6, 30))
    assert table["T3a"] == ("T3", 40, date(2021, 6, 30))
    assert table["T3b"] == ("T3", 140, date(2021, 12, 31))
    assert table["T4"] == ("T4", 6, date(2021, 12, 31))
    assert table["T7i"][1] == 130000
    assert table["T8"] == ("T8", 2, date(2021, 6, 30))
    assert table["T9d"] == ("T9", 15, date(2021, 12, 31))
    assert table["T10"] == ("T10", 2, date(2021, 3, 31))
    assert table["T11"] == ("T11", 1, date(2021, 12, 31))


def test_demolition_areas_cleared_and_buildings_demolished() -> None:
    parcels: list[dict[str, object] | None] = [
        parcel(
            "DA-01",
            "T1",
            completed_on=date(2021, 2, 20),
            buildings_total=100,
            buildings_demolished=100,
        ),
        parcel(
            "DA-02",
            "T1",
            completed_on=date(2021, 3, 5),
            buildings_total=50,
            buildings_demolished=40,
        ),  # done after the as-of date: not counted as done
        parcel("DA-03", "T1", buildings_total=30, buildings_demolished=None),
        parcel(
            "UB-01", "T10", completed_on=date(2021, 1, 5), buildings_total=7, buildings_demolished=7
        ),  # T10 must not count as T1
        None,  # a parcel that does not exist on that day
    ]
    kpis = kpis_on(parcels, date(2021, 3, 1))
    assert kpis["T1a"].actual == 1
    assert kpis["T1a"].detail_zh == "图上3项，已完成1项"
    assert kpis["T1b"].actual == 140
    assert kpis["T1b"].target == 705
    assert kpis["T1b"].detail_zh == "数据中旧房共180栋"
    assert kpis["T10"].actual == 1
    assert (kpis["T1a"].level, kpis["T10"].level) == (Level.RED, Level.YELLOW)  # T10: 30 days left


def test_a_target_met_is_green_even_after_its_deadline() -> None:
    kpis = kpis_on(done_on(date(2021, 2, 27), 11, "T1"), date(2021, 5, 1))
    assert kpis["T1a"].actual == 11
    assert kpis["T1a"].level is Level.GREEN


@pytest.mark.parametrize(
    ("done", "on", "level"),
    [
        # 2021-03-01: 59 of 180 days gone, planned 33 %; 121 days left.
        (0, date(2021, 3, 1), Level.ORANGE),  # lag 33
        (7, date(2021, 3, 1), Level.YELLOW),  # 7/32 = 22 %, lag 11
        (8, date(2021, 3, 1), Level.BLUE),  # 8/32 = 25 %, lag 8
        (16, date(2021, 3, 1), Level.BLUE),
        (31, date(2021, 6, 16), Level.ORANGE),  # 14 days left
        (31, date(2021, 6, 15), Level.YELLOW),  # 15 days left
        (31, date(2021, 7, 1), Level.RED),  # overdue
        (32, date(2021, 7, 1), Level.GREEN),
    ],
)
def test_problem_sites_level(done: int, on: date, level: Level) -> None:
    parcels = done_on(date(2021, 2, 1), done, "T2") + [parcel("PS-X", "T2")]
    kpi = kpis_on(parcels, on)["T2"]
    assert (kpi.actual, kpi.level) == (done, level)


def test_a_compound_counts_towards_committees_and_renovation() -> None:
    parcels: list[dict[str, object] | None] = [
        parcel(
            "OC-001",
            "T3",
            "T4",
            committee_formed_on=date(2021, 5, 1),
            completed_on=date(2021, 6, 15),
        ),
        parcel("OC-002", "T3", committee_formed_on=date(2021, 7, 1)),
        parcel("OC-003", "T3", committee_formed_on=None),
        parcel("OC-004", "T4", committee_formed_on=date(2021, 1, 1)),  # not a T3 compound
    ]
    june = kpis_on(parcels, date(2021, 6, 30))
    july = kpis_on(parcels, date(2021, 7, 1))
    assert (june["T3a"].actual, june["T3b"].actual, june["T4"].actual) == (1, 1, 1)
    assert (july["T3a"].actual, july["T3b"].actual) == (2, 2)
    assert june["T3a"].level is Level.ORANGE  # 0 days left
    assert july["T3a"].level is Level.RED
    assert june["T3b"].detail_zh == "图上小区3个，已组建1个"


def test_key_projects_count_invest_and_take_the_latest_deadline() -> None:
    parcels: list[dict[str, object] | None] = [
        parcel(
            "KP-01",
            "T7",
            deadline=date(2021, 9, 30),
            completed_on=date(2021, 9, 1),
            investment_wan=30000,
        ),
        parcel(
            "KP-02",
            "T7",
            deadline=date(2021, 8, 31),
            completed_on=date(2021, 8, 20),
            investment_wan=Decimal("12000.5"),
        ),
        parcel("KP-03", "T7", deadline=date(2021, 11, 30), investment_wan=50000.0),
        parcel("KP-04", "T8", deadline=date(2022, 6, 30), completed_on=date(2021, 5, 1)),
    ]
    kpis = kpis_on(parcels, date(2021, 10, 1))
    assert kpis["T7"].actual == 2
    assert kpis["T7"].deadline == date(2021, 11, 30)
    assert kpis["T7i"].actual == 42000.5
    assert kpis["T7i"].deadline == date(2021, 11, 30)
    assert kpis["T7i"].detail_zh == "3个项目计划投资共92000.5万元"
    assert kpis["T8"].actual == 1
    assert kpis["T8"].deadline == date(2021, 6, 30)  # T8's deadline is the plan's, not the data's


def test_revitalisation_rate() -> None:
    parcels: list[dict[str, object] | None] = [
        parcel("IB-01", "T9", floor_area_m2=1000, vacant_area_m2=400),
        parcel("IB-02", "T9", floor_area_m2=Decimal("3000"), vacant_area_m2=Decimal("3000")),
        parcel("IB-03", "T9", floor_area_m2=None, vacant_area_m2=None),  # no area: left out
        parcel("IB-04", "T9", floor_area_m2=500.0, vacant_area_m2=None),  # unknown: all vacant
        parcel("IB-05", "T10", floor_area_m2=9000, vacant_area_m2=0),  # not T9
    ]
    kpi = kpis_on(parcels, date(2021, 6, 30))["T9"]
    assert kpi.actual == 13.3  # 600 of 4500 m²
    assert (kpi.target, kpi.deadline, kpi.unit) == (100, date(2023, 12, 31), "%")
    assert kpi.detail_zh == "总建筑面积4500㎡，闲置3900㎡"


def test_rate_change_subtracts_the_rates_as_shown() -> None:
    now = [parcel("IB-01", "T9", floor_area_m2=10000, vacant_area_m2=5475)]  # 45.25 -> 45.3
    before = [parcel("IB-01", "T9", floor_area_m2=10000, vacant_area_m2=6976)]  # 30.24 -> 30.2
    kpis = kpis_on(list(now), date(2021, 6, 30), baseline=list(before))
    assert kpis["T9"].actual == 45.3
    # 45.3 − 30.2 = 15.1 (the exact rates differ by 15.01, which would show as 15.0).
    assert kpis["T9d"].actual == 15.1
    assert kpis["T9d"].level is Level.GREEN
    assert kpis["T9d"].detail_zh == "2021-01-01为30.2%，现为45.3%"


def test_rate_change_can_be_negative_and_is_then_not_green() -> None:
    now = [parcel("IB-01", "T9", floor_area_m2=100, vacant_area_m2=100)]
    before = [parcel("IB-01", "T9", floor_area_m2=100, vacant_area_m2=50)]
    kpi = kpis_on(list(now), date(2021, 6, 30), baseline=list(before))["T9d"]
    assert kpi.actual == -50.0
    assert kpi.level is Level.ORANGE  # progress clamped to 0 against a planned 49 %


def test_rate_change_without_baseline_is_zero_and_says_why() -> None:
    now = [parcel("IB-01", "T9", floor_area_m2=100, vacant_area_m2=0)]
    kpi = kpis_on(list(now), date(2021, 6, 30))["T9d"]
    assert kpi.actual == 0
    assert kpi.detail_zh == "缺少2021-01-01基线数据"


def test_resettlement_building() -> None:
    parcels = done_on(date(2021, 11, 1), 1, "T11")
    assert kpis_on(parcels, date(2021, 10, 31))["T11"].actual == 0
    assert kpis_on(parcels, date(2021, 11, 1))["T11"].level is Level.GREEN


def test_kpi_level_rounds_progress_exactly() -> None:
    # 23 of 40 is 57.5 % -> 58; planned is 82 %, so the lag is 24 (yellow), not 25 (orange).
    start = date(2021, 1, 1)
    deadline, on = start + timedelta(days=1000), start + timedelta(days=820)
    assert kpi_level(40, 23, deadline, on) is Level.YELLOW
    assert kpi_level(40, 22.9, deadline, on) is Level.ORANGE
    assert kpi_level(40, 40, deadline, on) is Level.GREEN
    assert kpi_level(40, 0, None, on) is Level.GREY


def test_thresholds_are_passed_on() -> None:
    parcels = done_on(date(2021, 2, 1), 16, "T2")
    strict = RiskThresholds(orange_days=14, yellow_days=200, orange_lag=25, yellow_lag=10)
    default = compute_kpis(parcels, date(2021, 3, 1))
    tight = compute_kpis(parcels, date(2021, 3, 1), thresholds=strict)
    assert [k.level for k in default if k.id == "T2"] == [Level.BLUE]
    assert [k.level for k in tight if k.id == "T2"] == [Level.YELLOW]


def test_as_dict_is_json_ready() -> None:
    kpis = kpis_on(
        [parcel("DA-01", "T1", buildings_total=9, buildings_demolished=3)], date(2021, 2, 1)
    )
    data = kpis["T1b"].as_dict()
    assert data == {
        "id": "T1b",
        "title_zh": "旧房拆除",
        "unit": "栋",
        "target": 705,
        "actual": 3,
        "deadline": "2021-02-28",
        "level": "orange",
        "detail_zh": "数据中旧房共9栋",
    }
    assert json.loads(json.dumps(data)) == data
    assert isinstance(data["actual"], int)


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (parcel("DA-01", "T1", completed_on="2021-02-01"), "completed_on of 'DA-01'"),
        (parcel("DA-01", "T1", buildings_demolished="3"), "buildings_demolished of 'DA-01'"),
        (parcel("DA-01", "T1", buildings_demolished=True), "buildings_demolished"),
        ({"code": "DA-01", "plan_targets": "T10"}, "plan_targets of 'DA-01'"),
    ],
)
def test_states_must_be_coerced_first(state: dict[str, object], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        compute_kpis([state], date(2021, 3, 1))
