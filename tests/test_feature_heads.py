"""The Feature heads of revision 0006 (parcel_feature, parcel_state_feature) stay
what a recomputation from the rows gives, whatever wrote the rows, and the upgrade fills them.

The page built from them equals the Features built in Python: tests/test_feature_page_sql.py
for the sample on several dates, here after API writes of fields, outlines and milestones.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from gis_service import db
from gis_service.parcels.listing import feature_page, list_features
from gis_service.repo import parcel_writes
from gis_service.repo.parcel_reads import ParcelQuery
from gis_service.rules.levels import RiskThresholds
from gis_service.settings import Settings
from gis_service.transfer.bulk import bulk_create
from tests.api_helpers import bearer, feature, square, tokens
from tests.conftest import migrated_database
from tests.test_feature_page_sql import comparable
from tests.transfer_files import PLANNER, frame, rows, squares, write_vector

__all__ = ["tokens"]  # the fixture, imported for the tests below

STORED = """
SELECT 'parcel' AS relation, parcel_id, NULL::date AS valid_from, head, last_change::text
FROM parcel_feature WHERE parcel_id IN (SELECT id FROM parcel_current)
UNION ALL
SELECT 'state', parcel_id, valid_from, head, last_change::text FROM parcel_state_feature
ORDER BY 1, 2, 3
"""
# What the triggers would write now, from the rows as they are.
RECOMPUTE = """
SELECT parcel_feature_refresh(array_agg(id)) FROM parcel;
DELETE FROM parcel_state_feature;
INSERT INTO parcel_state_feature (parcel_id, valid_from, head, last_change)
SELECT parcel_id, valid_from, parcel_feature_head(fields, geom, milestones, version, updated_at),
       parcel_last_change(parcel_id, valid_from)
FROM parcel_state WHERE alive;
"""


def stored(session: Session) -> list[tuple[Any, ...]]:
    """Every stored head and last change of the current parcels and the live states."""
    return [tuple(row) for row in session.execute(text(STORED))]


def recomputed(session: Session) -> list[tuple[Any, ...]]:
    """The same rows, recomputed from the parcels, milestones, events and states (rolled back)."""
    savepoint = session.begin_nested()
    try:
        for statement in RECOMPUTE.split(";")[:-1]:
            session.execute(text(statement))
        return stored(session)
    finally:
        savepoint.rollback()


def assert_heads_exact(session: Session) -> None:
    """Stored heads equal their recomputation, one for each current parcel and live state."""
    now = stored(session)
    assert now == recomputed(session)
    counts = session.execute(
        text("SELECT (SELECT count(*) FROM parcel_current), count(*) FROM parcel_state WHERE alive")
    ).one()
    assert sum(1 for row in now if row[0] == "parcel") == counts[0] > 0
    assert sum(1 for row in now if row[0] == "state") == counts[1] > 0
    assert all(row[3] for row in now)


def assert_page_equals_python(session: Session, code: str, on: date) -> None:
    """The SQL page of one parcel equals the Feature built in Python on a date."""
    query, thresholds = ParcelQuery(code=code), RiskThresholds()
    python = list_features(session, query, on=on, thresholds=thresholds, outline="object")
    sql = json.loads(feature_page(session, query, on=on, thresholds=thresholds).features.text)
    assert len(sql) == len(python.features) == 1
    assert [comparable(f) for f in sql] == [comparable(f) for f in python.features]


def test_api_writes_keep_the_heads(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    headers = bearer(tokens["planner"]) | {"Content-Type": "application/geo+json"}
    assert client.post("/api/parcels", json=feature(), headers=headers).status_code == 201
    milestones = [{"name": "签约", "due_date": "2030-05-01", "done_on": None}]
    patches = [
        {"properties": {"stage": "negotiating", "note": "谈判中"}},
        {"geometry": square(dx=0.002)},
        {"properties": {"milestones": milestones}},
        {"properties": {"milestones": []}},
    ]
    for version, body in enumerate(patches, start=1):
        headers = bearer(tokens["planner"]) | {"If-Match": f'"v{version}"'}
        response = client.patch("/api/parcels/IB-T1", json=body, headers=headers)
        assert response.status_code == 200, response.text
        if version == 3:  # the milestones just written are in the stored head
            assert_page_equals_python(session, "IB-T1", date.today())
    assert_heads_exact(session)
    assert_page_equals_python(session, "IB-T1", date.today())


def test_dated_changes_give_each_state_its_last_change(session: Session) -> None:
    code = session.execute(
        text("SELECT code FROM parcel_current WHERE milestones <> '[]' ORDER BY code LIMIT 1")
    ).scalar_one()
    for day, progress in ((date(2033, 3, 1), 10), (date(2033, 5, 1), 20)):
        parcel_writes.update_parcel(
            session, code=code, changes={"progress": progress}, actor="t", effective_date=day
        )
    session.execute(
        text(
            "UPDATE milestone SET done_on = DATE '2033-01-01'"
            " WHERE parcel_id = (SELECT id FROM parcel WHERE code = :code)"
        ),
        {"code": code},
    )
    assert_heads_exact(session)
    # milestones written alone (no parcel row written after them), added then removed
    parcel = "(SELECT id FROM parcel WHERE code = :code)"
    for statement in (
        f"INSERT INTO milestone (parcel_id, position, name) VALUES ({parcel}, 99, '验收')",
        f"DELETE FROM milestone WHERE parcel_id = {parcel} AND position = 0",
    ):
        session.execute(text(statement), {"code": code})
        assert_heads_exact(session)
    for on in (date(2033, 2, 1), date(2033, 4, 1), date(2033, 6, 1)):
        assert_page_equals_python(session, code, on)


def test_bulk_import_keeps_the_heads(session: Session, settings: Settings, tmp_path: Path) -> None:
    path = write_vector(tmp_path / "bulk.gpkg", frame(rows(4), squares(4), 4326), "GPKG")
    report = bulk_create(session, path, user=PLANNER, settings=settings, year=2021)
    assert report.created == 4
    assert_heads_exact(session)


def test_upgrade_fills_the_heads_of_existing_rows() -> None:
    settings = migrated_database("yatou_test_feature_heads").settings
    engine = db.make_engine(settings)
    try:
        db.downgrade(engine, "0005_parcel_states")
        assert _exists(engine, "parcel_feature") is False
        db.upgrade(engine, settings)
        with Session(engine) as session:
            assert_heads_exact(session)
    finally:
        engine.dispose()


def _exists(engine: Engine, table: str) -> bool:
    with engine.connect() as conn:
        return conn.execute(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": table}).scalar()
