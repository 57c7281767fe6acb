"""Loading the sample data: counts in the database, idempotence, events that rebuild the state."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from gis_service.parcels.fields import FIELD_KINDS, to_json_value
from gis_service.parcels.loader import LoadReport, load_folder
from gis_service.repo import parcel_reads, parcel_writes
from gis_service.repo.parcel_reads import ParcelQuery
from gis_service.rules.history import state_as_of
from tests.conftest import SAMPLE_DIR

FAR_FUTURE = date(2100, 1, 1)


def table_counts(session: Session) -> dict[str, int]:
    """Rows in every table the loader writes."""
    tables = ("parcel", "parcel_event", "milestone", "community")
    return {t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}


def test_sample_counts_in_database(session: Session) -> None:
    rows = parcel_reads.select_parcels(session, ParcelQuery())
    by_target: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        for target in row["plan_targets"]:
            by_target[target].append(row)
    assert len(by_target["T1"]) == 11
    assert sum(r["buildings_total"] for r in by_target["T1"]) == 705
    assert len(by_target["T2"]) == 32
    assert len(by_target["T3"]) >= 140
    assert len(by_target["T4"]) == 6
    assert {"冠岭", "惠风"} <= {r["name"][:2] for r in by_target["T4"]}
    assert len(by_target["T7"]) == 5
    assert sum(r["investment_wan"] for r in by_target["T7"]) == 130000
    assert len(by_target["T8"]) == 2
    assert len(by_target["T10"]) == 2 and len(by_target["T11"]) == 1
    communities = session.execute(
        text("SELECT count(*) FROM community WHERE kind = 'community'")
    ).scalar_one()
    assert communities == 21


def test_loading_twice_changes_nothing(session: Session) -> None:
    before = table_counts(session)
    report = load_folder(session, SAMPLE_DIR, today=date(2022, 1, 1))
    assert report.parcels_created == 0 and report.parcels_updated == 0
    assert report.parcels_unchanged == before["parcel"]
    assert report.communities_changed == 0
    assert table_counts(session) == before


def test_changed_file_state_becomes_one_dated_update(session: Session, tmp_path: Any) -> None:
    import json
    import shutil

    for name in ("communities.geojson", "parcels.geojson"):
        shutil.copy(SAMPLE_DIR / name, tmp_path / name)
    collection = json.loads((tmp_path / "parcels.geojson").read_text(encoding="utf-8"))
    collection["features"][0]["properties"]["note"] = "复核后更新"
    (tmp_path / "parcels.geojson").write_text(json.dumps(collection), encoding="utf-8")
    code = collection["features"][0]["properties"]["code"]
    report = load_folder(session, tmp_path, today=date(2022, 2, 1))
    assert (report.parcels_updated, report.parcels_created) == (1, 0)
    history = parcel_reads.select_history(session, code)
    assert (history[0]["field"], history[0]["new_value"]) == ("note", "复核后更新")
    assert history[0]["effective_date"] == date(2022, 2, 1)


def test_events_rebuild_every_current_state(session: Session) -> None:
    events: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in session.execute(
        text("SELECT parcel_id, id, action, field, new_value, effective_date FROM parcel_event")
    ).mappings():
        events[row["parcel_id"]].append(dict(row))
    rows = session.execute(
        text("SELECT *, ST_AsGeoJSON(geom, 9)::jsonb AS geometry FROM parcel_current")
    ).mappings()
    checked = 0
    for row in rows:
        folded = state_as_of(events[row["id"]], FAR_FUTURE)
        assert folded is not None
        for field in FIELD_KINDS:
            assert folded.get(field) == to_json_value(field, row[field]), (row["code"], field)
        checked += 1
    assert checked >= 200


def test_a_reload_leaves_a_deleted_parcel_deleted(session: Session) -> None:
    code = parcel_reads.select_parcels(session, ParcelQuery())[0]["code"]
    parcel_writes.delete_parcel(
        session, code=code, actor="admin", effective_date=date(2022, 1, 2), expected_version=None
    )
    before = table_counts(session)
    report = load_folder(session, SAMPLE_DIR, today=date(2022, 2, 1))
    assert report.left_deleted == [code]
    assert report.parcels_created == 0 and report.parcels_updated == 0
    assert parcel_reads.select_parcel(session, code) is None
    assert table_counts(session) == before


def test_the_load_command_says_what_it_left_deleted(
    session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    from gis_service.cli import print_load_report

    print_load_report(LoadReport(parcels_unchanged=3, left_deleted=["IB-01", "OC-02"]))
    assert "left deleted 2" in capsys.readouterr().out
