"""The bulk path checks the parcel table's own rules, and the statement-level table checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from gis_service.repo import bulk_import, parcel_writes
from gis_service.settings import Settings
from gis_service.transfer.bulk import bulk_create
from tests.transfer_files import PLANNER, frame, rows, squares, write_vector


def test_every_check_of_the_parcel_table_is_a_bulk_refusal(session: Session) -> None:
    checks = set(
        session.execute(
            text(
                "SELECT conname FROM pg_constraint"
                " WHERE conrelid = CAST('parcel' AS regclass) AND contype = 'c'"
            )
        ).scalars()
    )
    read = {rule.expression for rule in bulk_import.table_rules(session)}
    assert len(read) == len(checks - {"parcel_version_check"}) + len(
        {"code", "name", "category", "stage", "geom"}
    )
    reasons = {rule.reason for rule in bulk_import.table_rules(session)}
    assert (
        set(
            parcel_writes.CONSTRAINT_MESSAGES[name][1] for name in checks - {"parcel_version_check"}
        )
        <= reasons
    )


def test_bulk_refuses_with_the_row_paths_sentences(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    attrs = rows(3)
    attrs[0]["vacant_area_m2"] = 5000.0  # more than the floor area
    attrs[1]["households"] = -3
    attrs[2]["name"] = None
    path = write_vector(tmp_path / "rules.gpkg", frame(attrs, squares(3), 4326), "GPKG")
    report = bulk_create(session, path, user=PLANNER, settings=settings, year=2021)
    found = {(r.row, r.field, r.reason) for r in report.refused}
    messages = parcel_writes.CONSTRAINT_MESSAGES
    assert (1, "vacant_area_m2", messages["parcel_vacant_within_floor"][1]) in found
    assert (2, "households", messages["parcel_households_check"][1]) in found
    assert (3, "name", "name must be given") in found
    assert report.created == 0


def test_a_parcel_with_history_cannot_be_removed(session: Session) -> None:
    savepoint = session.begin_nested()
    with pytest.raises(DBAPIError, match="soft-deleted"):
        session.execute(text("DELETE FROM parcel WHERE code = 'IB-01'"))
    savepoint.rollback()


def test_an_event_of_no_parcel_is_refused(session: Session) -> None:
    savepoint = session.begin_nested()
    with pytest.raises(DBAPIError, match="does not exist"):
        session.execute(
            text(
                "INSERT INTO parcel_event (parcel_id, code, action, field, new_value,"
                " effective_date, actor, version)"
                " VALUES (-1, 'X', 'update', 'note', '\"x\"', DATE '2022-01-01', 't', 1)"
            )
        )
    savepoint.rollback()


def test_moving_an_outline_out_of_the_service_area_is_refused(session: Session) -> None:
    savepoint = session.begin_nested()
    with pytest.raises(DBAPIError, match="outside the service area"):
        session.execute(
            text(
                "UPDATE parcel SET geom = ST_Multi(ST_MakeEnvelope(121.5, 31.2, 121.51, 31.21,"
                " 4326)) WHERE code = 'IB-01'"
            )
        )
    savepoint.rollback()
