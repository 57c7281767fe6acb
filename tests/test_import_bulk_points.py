"""Point rows on the bulk path: the row path's square outlines, refusals, tables left to rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from shapely.geometry import MultiPoint, Point, shape

from gis_service.api.errors import InvalidInput
from gis_service.settings import Settings
from gis_service.transfer.bulk import bulk_create, prepare
from tests.api_helpers import ORIGIN, counts
from tests.test_import_bulk import events
from tests.test_import_points import side_m
from tests.transfer_files import (
    PLANNER,
    frame,
    lonlat_distance_m,
    rows,
    run,
    squares,
    write_csv,
    write_vector,
)


def outline(session: Session, code: str) -> dict[str, object]:
    """A stored parcel's outline as GeoJSON."""
    found = session.execute(
        text("SELECT ST_AsGeoJSON(geom) FROM parcel WHERE code = :c"), {"c": code}
    ).scalar_one()
    return dict(json.loads(found))


def test_bulk_point_features_get_the_row_paths_squares(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    points = [Point(ORIGIN[0] + 0.003 * i, ORIGIN[1] + 0.004) for i in range(3)]
    path = write_vector(tmp_path / "picks.gpkg", frame(rows(3, "BP"), points, 4326), "GPKG")
    savepoint = session.begin_nested()
    by_rows = run(session, settings, path)
    assert len(by_rows.created) == 3 and not by_rows.refused, by_rows.as_text()
    row_events = events(session, "import:picks.gpkg")
    savepoint.rollback()
    report = bulk_create(session, path, user=PLANNER, settings=settings)
    assert report.created == 3 and not report.refused and report.squared == [1, 2, 3]
    assert events(session, "import:picks.gpkg") == row_events  # the same squares, to the digit
    for number, point in enumerate(points, start=1):
        stored = outline(session, f"BP-{number}")
        assert abs(side_m(stored) - 20) < 0.05
        assert lonlat_distance_m(shape(stored).centroid, point) < 0.05


def test_bulk_squares_follow_the_side_setting_and_mixed_files(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    shapes = [*squares(2), MultiPoint([(ORIGIN[0] + 0.01, ORIGIN[1] + 0.006)])]
    path = write_vector(tmp_path / "mixed.geojson", frame(rows(3, "MX"), shapes, 4326), "GeoJSON")
    wider = settings.model_copy(update={"import_point_square_m": 50.0})
    report = bulk_create(session, path, user=PLANNER, settings=wider)
    assert report.created == 3 and report.squared == [3], report.refused
    assert abs(side_m(outline(session, "MX-3")) - 50) < 0.1
    kept = shape(outline(session, "MX-1"))
    assert kept.hausdorff_distance(shapes[0]) < 1e-9  # polygons stay as given


def test_a_bulk_point_outside_the_service_area_is_refused_by_row(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    points = [Point(ORIGIN[0], ORIGIN[1] + 0.004), Point(121.5, 31.2)]  # the second: Shanghai
    path = write_vector(tmp_path / "far.gpkg", frame(rows(2, "FAR"), points, 4326), "GPKG")
    before = counts(session)
    report = bulk_create(session, path, user=PLANNER, settings=settings)
    assert report.created == 0 and counts(session) == before
    assert [(r.row, r.field) for r in report.refused] == [(2, "geometry")]
    assert "service area" in report.refused[0].reason


def test_tables_are_left_to_the_row_path(tmp_path: Path) -> None:
    table = [{"编号": "T-1", "名称": "点", "类别": "闲置楼宇", "阶段": "闲置", "经度": ORIGIN[0],
              "纬度": ORIGIN[1]}]  # fmt: skip
    path = write_csv(tmp_path / "lonlat.csv", table)
    with pytest.raises(InvalidInput) as error:
        prepare(path, year=2021, square_m=20)
    assert error.value.message.startswith("lonlat.csv: the bulk path reads vector files")
    assert "without --bulk" in error.value.message
