"""Bad input: each file or row refused naming file, row and field; nothing written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from shapely.geometry import LineString, MultiPoint, Point

from gis_service.api.errors import InvalidInput
from gis_service.settings import Settings
from tests.api_helpers import counts
from tests.transfer_files import (
    frame,
    rows,
    run,
    squares,
    wkt_table,
    write_csv,
    write_shapefile,
    write_vector,
    write_xlsx,
    zip_folder,
)


def refused(session: Session, settings: Settings, path: Path, **options: Any) -> list[Any]:
    """Import a file that must be refused row by row; nothing may be written."""
    before = counts(session)
    report = run(session, settings, path, **options)
    assert not report.applied and report.refused
    assert counts(session) == before
    assert "nothing written" in report.as_text()
    return report.refused


def file_error(session: Session, settings: Settings, path: Path) -> str:
    """Import a file that must be refused as a whole; the sentence names the file."""
    before = counts(session)
    with pytest.raises(InvalidInput) as error:
        run(session, settings, path)
    assert counts(session) == before
    assert path.name in error.value.message
    return error.value.message


def test_a_corrupt_zip(session: Session, settings: Settings, tmp_path: Path) -> None:
    good = zip_folder(
        write_shapefile(tmp_path / "s", frame(rows(1), squares(1), 4326)), tmp_path / "a.zip"
    )
    broken = tmp_path / "broken.zip"
    broken.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    assert "zip" in file_error(session, settings, broken)


@pytest.mark.parametrize("missing", [".shx", ".dbf"])
def test_a_shapefile_without_shx_or_dbf(
    session: Session, settings: Settings, tmp_path: Path, missing: str
) -> None:
    folder = write_shapefile(tmp_path / "s", frame(rows(1), squares(1), 4326))
    bundle = zip_folder(folder, tmp_path / "part.zip", skip=missing)
    assert f"no {missing}" in file_error(session, settings, bundle)
    (folder / f"parcels{missing}").unlink()
    assert f"no {missing}" in file_error(session, settings, folder / "parcels.shp")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".xls", ".ods", ".geojson", ".zip"])
def test_an_empty_file(session: Session, settings: Settings, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    assert "empty" in file_error(session, settings, path)


def test_merged_and_missing_header_cells(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    header = ["编号", "名称", "类别", "阶段"]
    body = [["M-1", "楼", "闲置楼宇", "闲置"]]
    merged = write_xlsx(tmp_path / "merged.xlsx", header, body,
                        edit=lambda ws: ws.merge_cells("B1:C1"))  # fmt: skip
    assert "B1:C1" in file_error(session, settings, merged)
    missing = write_xlsx(tmp_path / "missing.xlsx", ["编号", "名称", None, "阶段"], body)  # type: ignore[list-item]
    assert "column C" in file_error(session, settings, missing)


def test_unknown_suffix_and_unreadable_workbook(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    odd = tmp_path / "parcels.txt"
    odd.write_text("x")
    assert "unknown file type" in file_error(session, settings, odd)
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a workbook at all")
    assert "XLSX" in file_error(session, settings, fake)


def row_table(tmp_path: Path, **changes: Any) -> Path:
    """A two-row CSV with one cell of row 2 (line 3) replaced."""
    table = [r | {"start_date": "", "deadline": ""} for r in wkt_table(rows(2), squares(2))]
    table[1] |= changes
    return write_csv(tmp_path / "rows.csv", table)


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"start_date": "明年春天"}, "start_date", "not a date"),
        ({"deadline": "2021-02-30"}, "deadline", "not a date"),
        ({"category": "公园"}, "category", "unknown category"),
        ({"stage": "拆除中"}, "stage", "unknown stage"),
        ({"floor_area_m2": "很大"}, "floor_area_m2", "not a number"),
        (
            {"WKT": MultiPoint([(122.6, 37.27), (122.61, 37.28)]).wkt},
            "geometry",
            "a MultiPoint is not a polygon",
        ),
        (
            {"WKT": LineString([(122.6, 37.27), (122.61, 37.28)]).wkt},
            "geometry",
            "a LineString is not a polygon",
        ),
        ({"WKT": "POLYGON((1 2, 3"}, "geometry", "not WKT"),
        ({"code": "IMP-1"}, "code", "repeated in rows 2, 3"),
        ({"code": ""}, "code", "no code"),
        ({"vacant_area_m2": 99999}, "vacant_area_m2", "exceeds floor area"),
    ],
)
def test_bad_rows_are_refused_by_row_and_field(
    session: Session,
    settings: Settings,
    tmp_path: Path,
    change: dict[str, Any],
    field: str,
    reason: str,
) -> None:
    found = refused(session, settings, row_table(tmp_path, **change))
    assert any(r.row == 3 and r.field == field and reason in r.reason for r in found), found


def test_a_polygon_outside_the_service_area_says_where_it_landed(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    table = wkt_table(rows(2), [squares(1)[0], Point(121.5, 31.2).buffer(0.001)])
    (refusal,) = refused(session, settings, write_csv(tmp_path / "far.csv", table))
    assert refusal.row == 3 and "121.5" in refusal.reason and "31.2" in refusal.reason


def test_coordinates_that_fit_no_system(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    table = wkt_table(rows(1), [Point(5, 5).buffer(1)])
    found = refused(session, settings, write_csv(tmp_path / "odd.csv", table))
    assert found[0].field == "geometry" and "no known system" in found[0].reason


def test_a_new_parcel_without_outline_and_a_role_that_may_not_create(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "n.xlsx", ["编号", "名称", "类别", "阶段"], [["N-1", "楼", "闲置楼宇", "闲置"]]
    )
    (refusal,) = refused(session, settings, path)
    assert refusal.field == "geometry" and "outline" in refusal.reason
    gpkg = write_vector(tmp_path / "p.gpkg", frame(rows(1), squares(1), 4326), "GPKG")
    from gis_service.api.auth import User
    from gis_service.transfer.importer import ImportOptions, import_file

    report = import_file(
        session, gpkg, options=ImportOptions(), user=User("v", "investment"), settings=settings
    )
    assert report.refused and "may not create" in report.refused[0].reason
