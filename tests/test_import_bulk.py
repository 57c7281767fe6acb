"""The bulk path: the same parcels and events as the row path, refusals set-based, the benchmark."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from shapely.geometry import Point

from bench import bench_import
from gis_service.api.auth import User
from gis_service.settings import Settings
from gis_service.transfer.bulk import bulk_create
from tests.api_helpers import counts
from tests.transfer_files import PLANNER, frame, rows, run, squares, write_vector


def events(session: Session, actor: str) -> list[tuple[str, str, Any]]:
    """The events an import wrote: (code, field, new value as JSON text)."""
    result = session.execute(
        text("SELECT code, field, new_value FROM parcel_event WHERE actor = :a"), {"a": actor}
    )
    return sorted((r.code, r.field, json.dumps(r.new_value, sort_keys=True)) for r in result)


def test_bulk_writes_what_the_row_path_writes(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    data = frame(rows(5), squares(5), 4326)
    data["deadline"] = ["6月底前", "年底", None, "2021-09-30", "利用3年时间"]
    path = write_vector(tmp_path / "same.gpkg", data, "GPKG")
    savepoint = session.begin_nested()
    report = run(session, settings, path, year=2021)
    assert len(report.created) == 5
    by_rows = events(session, "import:same.gpkg")
    savepoint.rollback()
    bulk = bulk_create(session, path, user=PLANNER, settings=settings, year=2021)
    assert bulk.created == 5 and not bulk.refused
    assert events(session, "import:same.gpkg") == by_rows


def test_bulk_refuses_by_row_and_writes_nothing(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    attrs = rows(4)
    attrs[1]["stage"] = "拆除中"
    attrs[2]["code"] = "IB-01"  # exists in the sample
    attrs[3]["code"] = "IMP-1"  # repeats row 1
    shapes = squares(4)
    shapes[0] = Point(121.5, 31.2).buffer(0.001)
    path = write_vector(tmp_path / "bad.gpkg", frame(attrs, shapes, 4326), "GPKG")
    before = counts(session)
    report = bulk_create(session, path, user=PLANNER, settings=settings)
    assert report.created == 0 and counts(session) == before
    found = {(r.row, r.field) for r in report.refused}
    assert (2, "stage") in found
    session.rollback()
    attrs[1]["stage"] = "闲置"
    path = write_vector(tmp_path / "bad2.gpkg", frame(attrs, shapes, 4326), "GPKG")
    report = bulk_create(session, path, user=PLANNER, settings=settings)
    found = {(r.row, r.field) for r in report.refused}
    assert {(1, "geometry"), (3, "code"), (1, "code"), (4, "code")} <= found
    assert report.created == 0 and counts(session) == before


def test_bulk_needs_a_role_that_creates(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    from gis_service.api.errors import Forbidden

    path = write_vector(tmp_path / "p.gpkg", frame(rows(1), squares(1), 4326), "GPKG")
    with pytest.raises(Forbidden):
        bulk_create(session, path, user=User("i", "investment"), settings=settings)


def test_the_benchmark_runs_in_its_tiny_form(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_import.main(["--rows", "200"]) == 0
    out = capsys.readouterr().out
    assert "parcels created 200" in out
    assert "COPY of the same rows" in out and "ratio" in out
