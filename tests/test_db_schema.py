"""The schema: migrations apply and roll back; the database itself refuses bad rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from gis_service import db
from gis_service.api.errors import Conflict, InvalidInput
from gis_service.repo import parcel_writes
from gis_service.settings import Settings
from tests.conftest import fresh_database

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [
            [122.450, 37.150],
            [122.451, 37.150],
            [122.451, 37.151],
            [122.450, 37.151],
            [122.450, 37.150],
        ]
    ],
}
BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [
            [122.450, 37.150],
            [122.451, 37.151],
            [122.451, 37.150],
            [122.450, 37.151],
            [122.450, 37.150],
        ]
    ],
}
AT_SEA = {
    "type": "Polygon",
    "coordinates": [[[123.0, 36.0], [123.001, 36.0], [123.001, 36.001], [123.0, 36.0]]],
}


def valid_values(**overrides: Any) -> dict[str, Any]:
    """Values of a parcel the schema accepts, with some replaced."""
    values: dict[str, Any] = {
        "name": "测试地块",
        "category": "demolition_area",
        "stage": "acquiring",
        "progress": 40,
        "start_date": date(2021, 1, 1),
        "deadline": date(2021, 6, 30),
        "buildings_total": 10,
        "buildings_demolished": 4,
        "geometry": SQUARE,
    }
    return values | overrides


def create(session: Session, code: str = "T-1", **overrides: Any) -> int:
    """Create a test parcel through the data-access module."""
    return parcel_writes.create_parcel(
        session,
        code=code,
        values=valid_values(**overrides),
        actor="test",
        effective_date=date(2021, 1, 1),
    )


def test_migrations_apply_and_roll_back() -> None:
    """Upgrade creates the tables, downgrade removes them, upgrade again works."""
    settings = Settings(_env_file=None, database_url=fresh_database("yatou_test_migrations"))  # type: ignore[call-arg]
    engine = db.make_engine(settings)
    try:
        db.upgrade(engine, settings)
        # The newest revision, whichever it is: a new migration does not edit this test.
        head = ScriptDirectory.from_config(db.alembic_config(str(engine.url))).get_current_head()
        assert head is not None and db.current_revision(engine) == head
        assert db.head_revision() == head  # what /readyz reads without Alembic
        db.downgrade(engine)
        assert db.current_revision(engine) is None
        with engine.connect() as conn:
            assert conn.execute(text("SELECT to_regclass('parcel')")).scalar() is None
        db.upgrade(engine, settings)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM parcel")).scalar() == 0
    finally:
        engine.dispose()


def test_valid_parcel_is_stored_with_create_events(session: Session) -> None:
    parcel_id = create(session)
    fields = session.execute(
        text("SELECT field FROM parcel_event WHERE parcel_id = :id AND action = 'create'"),
        {"id": parcel_id},
    ).scalars()
    assert {"code", "name", "stage", "progress", "geometry", "deadline"} <= set(fields)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "parking_lot"}, "category"),
        ({"stage": "negotiating"}, "stage"),
        ({"progress": 101}, "progress"),
        ({"progress": -1}, "progress"),
        ({"stage": "cleared", "completed_on": None}, "completed_on"),
        ({"deadline": date(2020, 12, 31)}, "deadline"),
        ({"buildings_demolished": 11}, "buildings_demolished"),
        ({"geometry": BOWTIE}, "geometry"),
        ({"geometry": AT_SEA}, "geometry"),
        ({"community": "不存在社区"}, "community"),
        ({"name": ""}, "name"),
    ],
)
def test_database_refuses_bad_rows(session: Session, overrides: dict[str, Any], field: str) -> None:
    before = session.execute(text("SELECT count(*) FROM parcel")).scalar()
    with pytest.raises(InvalidInput) as caught:
        create(session, **overrides)
    assert caught.value.field == field
    assert session.execute(text("SELECT count(*) FROM parcel")).scalar() == before


def test_vacant_area_within_floor_area(session: Session) -> None:
    with pytest.raises(InvalidInput) as caught:
        create(
            session,
            category="idle_building",
            stage="idle",
            buildings_total=None,
            buildings_demolished=None,
            floor_area_m2=1000,
            vacant_area_m2=1200,
        )
    assert caught.value.field == "vacant_area_m2"


def test_code_is_unique(session: Session) -> None:
    create(session, code="DUP-1")
    with pytest.raises(Conflict):
        create(session, code="DUP-1")


def test_geometry_column_is_multipolygon_4326(session: Session) -> None:
    parcel_id = create(session)
    kind, srid = session.execute(
        text("SELECT GeometryType(geom), ST_SRID(geom) FROM parcel WHERE id = :id"),
        {"id": parcel_id},
    ).one()
    assert (kind, srid) == ("MULTIPOLYGON", 4326)
    with pytest.raises(DBAPIError), session.begin_nested():
        session.execute(
            text(
                "UPDATE parcel SET geom = ST_SetSRID(ST_MakePoint(122.45, 37.15), 4326)"
                " WHERE id = :id"
            ),
            {"id": parcel_id},
        )


def test_geometry_index_is_gist(session: Session) -> None:
    method = session.execute(
        text(
            "SELECT am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_am am ON am.oid = c.relam WHERE c.relname = 'parcel_geom_idx'"
        )
    ).scalar()
    assert method == "gist"


def test_events_are_append_only(session: Session) -> None:
    parcel_id = create(session)
    for statement in (
        "UPDATE parcel_event SET actor = 'x' WHERE parcel_id = :id",
        "DELETE FROM parcel_event WHERE parcel_id = :id",
    ):
        with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
            session.execute(text(statement), {"id": parcel_id})
    count = session.execute(
        text("SELECT count(*) FROM parcel_event WHERE parcel_id = :id"), {"id": parcel_id}
    ).scalar()
    assert count and count > 5


def test_update_appends_old_and_new_values(session: Session) -> None:
    create(session, code="UPD-1")
    version = parcel_writes.update_parcel(
        session,
        code="UPD-1",
        changes={"progress": 70, "stage": "demolishing"},
        actor="tester",
        effective_date=date(2021, 3, 1),
        expected_version=1,
    )
    assert version == 2
    rows = session.execute(
        text(
            "SELECT field, old_value, new_value, actor, version FROM parcel_event"
            " WHERE code = 'UPD-1' AND action = 'update' ORDER BY field"
        )
    ).all()
    assert [tuple(r) for r in rows] == [
        ("progress", 40, 70, "tester", 2),
        ("stage", "acquiring", "demolishing", "tester", 2),
    ]
