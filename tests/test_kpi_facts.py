"""The KPIs' narrow read (repo/kpi_facts.py) gives the pure rules the same answer as whole rows.

`kpis_as_of` reads only `rules.kpis.KPI_FIELDS` of the parcels with a KPI's plan target (issue
10 goal 6); the rules stay the one definition. Here the answer from that read is compared with
`compute_kpis` on every column of every parcel (`select_parcels`, what the KPIs read before),
on the sample data and on random parcels with random dated histories, current and as of dates,
with default and other thresholds.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from api_helpers import bearer, tokens  # noqa: F401 (fixture)
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from gis_service.parcels.plan_status import kpis_as_of
from gis_service.repo import kpi_facts, parcel_reads, parcel_writes
from gis_service.repo.parcel_reads import ParcelQuery
from gis_service.rules.kpis import (
    BASELINE_DATE,
    KPI_FIELDS,
    KPI_TARGETS,
    Kpi,
    compute_kpis,
)
from gis_service.rules.levels import RiskThresholds

OTHER_THRESHOLDS = RiskThresholds(orange_days=60, yellow_days=120, orange_lag=10, yellow_lag=5)
SAMPLE_DATES = [
    date(2020, 6, 1),  # before any parcel
    BASELINE_DATE,
    date(2021, 2, 28),
    date(2021, 6, 30),
    date(2021, 12, 31),
    date(2030, 1, 1),  # after the last change: the current table
]


def whole_row_kpis(session: Session, on: date, thresholds: RiskThresholds) -> list[Kpi]:
    """The KPIs the way they were computed before: from every column of every parcel."""
    states = parcel_reads.select_parcels(session, ParcelQuery(), as_of=on, outline="none")
    baseline = parcel_reads.select_parcels(
        session, ParcelQuery(), as_of=BASELINE_DATE, outline="none"
    )
    return compute_kpis(states, on, baseline=baseline, thresholds=thresholds)


@pytest.mark.parametrize("on", SAMPLE_DATES, ids=str)
@pytest.mark.parametrize("thresholds", [RiskThresholds(), OTHER_THRESHOLDS], ids=["usual", "other"])
def test_sample_kpis_equal_the_whole_row_kpis(
    session: Session, on: date, thresholds: RiskThresholds
) -> None:
    expected = whole_row_kpis(session, on, thresholds)
    assert kpis_as_of(session, on, thresholds=thresholds) == expected
    assert any(k.actual > 0 for k in expected) or on < BASELINE_DATE  # the data counts


@pytest.mark.parametrize("on", [None, *SAMPLE_DATES], ids=str)
def test_the_read_is_whole_rows_cut_to_the_kpi_fields(session: Session, on: date | None) -> None:
    whole = parcel_reads.select_parcels(session, ParcelQuery(), as_of=on, outline="none")
    counted = [r for r in whole if KPI_TARGETS & set(r["plan_targets"] or ())]
    assert kpi_facts.select_kpi_facts(session, as_of=on) == [
        {field: row[field] for field in KPI_FIELDS} for row in counted
    ]


FIRST_DAY = date(2020, 11, 1)  # before the baseline, so random parcels straddle it
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[122.46, 37.16], [122.461, 37.16], [122.461, 37.161], [122.46, 37.161], [122.46, 37.16]]
    ],
}
some_dates = st.one_of(st.none(), st.dates(date(2020, 10, 1), date(2022, 6, 30)))
facts = st.fixed_dictionaries(
    {},
    optional={
        "plan_targets": st.lists(st.sampled_from(["T1", "T3", "T4", "T5", "T7", "T9"]), max_size=3),
        "committee_formed_on": some_dates,
        "buildings_total": st.integers(5, 9),
        "buildings_demolished": st.integers(0, 5),
        "investment_wan": st.one_of(st.none(), st.decimals(0, 99999, places=1)),
        "floor_area_m2": st.integers(100, 900),
        "vacant_area_m2": st.one_of(st.none(), st.integers(0, 100)),
        "deadline": st.dates(date(2021, 3, 1), date(2022, 12, 31)),
    },
)
# A parcel: its first facts, then (days later, new facts, whether it is completed then).
parcels = st.lists(
    st.tuples(
        st.integers(0, 120),
        facts,
        st.lists(st.tuples(st.integers(0, 150), facts, st.booleans()), max_size=3),
    ),
    min_size=1,
    max_size=4,
)


@given(
    city=parcels,
    probes=st.lists(st.dates(date(2020, 10, 1), date(2023, 1, 1)), min_size=1, max_size=3),
    thresholds=st.sampled_from([RiskThresholds(), OTHER_THRESHOLDS]),
)
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_random_parcels_kpis_equal_the_whole_row_kpis(
    session: Session,
    city: list[tuple[int, dict[str, Any], list[Any]]],
    probes: list[date],
    thresholds: RiskThresholds,
) -> None:
    savepoint = session.begin_nested()
    try:
        for number, (start, first, later) in enumerate(city):
            _record(session, f"RND-{number}", FIRST_DAY + timedelta(days=start), first, later)
        for on in probes:
            expected = whole_row_kpis(session, on, thresholds)
            assert kpis_as_of(session, on, thresholds=thresholds) == expected
    finally:
        savepoint.rollback()


def _record(
    session: Session, code: str, day: date, first: dict[str, Any], later: list[Any]
) -> None:
    """Create a random parcel, then apply its later facts in date order."""
    values = {
        "name": "随机地块",
        "category": "old_compound",
        "stage": "designing",
        "start_date": date(2020, 10, 1),
        "geometry": SQUARE,
    }
    parcel_writes.create_parcel(
        session, code=code, values=values | _valid(first, {}), actor="hyp", effective_date=day
    )
    state = dict(first)
    for gap, change, completed in later:
        day += timedelta(days=gap)
        done = {"stage": "completed", "completed_on": day} if completed else {}
        change = _valid(change, state) | done
        state |= change
        parcel_writes.update_parcel(
            session, code=code, changes=change, actor="hyp", effective_date=day
        )


def _valid(change: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
    """The change, with demolished within total and vacant within floor (the table's checks)."""
    merged = state | change
    fixed = dict(change)
    if "buildings_demolished" in merged:
        fixed["buildings_total"] = max(merged.get("buildings_total", 0), 5)
    if merged.get("vacant_area_m2") is not None:
        fixed["floor_area_m2"] = max(merged.get("floor_area_m2") or 0, 100)
    return fixed


def test_a_past_dated_write_changes_the_kpis_as_of_its_date(
    client: TestClient,
    tokens: dict[str, str],  # noqa: F811
) -> None:
    def t4(as_of: str) -> object:
        kpis = client.get("/api/kpis", params={"as_of": as_of}).json()["kpis"]
        return next(k["actual"] for k in kpis if k["id"] == "T4")

    before, day_before = t4("2030-01-01"), t4("2021-09-30")
    body = {
        "type": "Feature",
        "geometry": SQUARE,
        "properties": {
            "code": "KPI-NEW",
            "name": "新建小区",
            "category": "old_compound",
            "stage": "completed",
            "start_date": "2021-03-01",
            "completed_on": "2021-10-01",
            "plan_targets": ["T4"],
        },
    }
    created = client.post(
        "/api/parcels",
        json=body,
        headers=bearer(tokens["admin"]),
        params={"effective_date": "2021-10-01"},
    )
    assert created.status_code == 201, created.text
    assert t4("2030-01-01") == before + 1  # the kept answer was not served again
    assert t4("2021-10-01") == t4("2021-09-30") + 1
    assert t4("2021-09-30") == day_before  # not yet done on the day before
