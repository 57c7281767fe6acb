"""Imports of files made here: every format and coordinate case, encodings, GCJ-02, the report."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from gis_service.maps.gcj02 import wgs84_to_gcj02
from gis_service.repo import parcel_reads
from gis_service.settings import Settings
from tests.api_helpers import counts
from tests.transfer_files import (
    frame,
    lonlat_distance_m,
    point_map,
    projected,
    rows,
    run,
    squares,
    swapped,
    wkt_table,
    write_csv,
    write_shapefile,
    write_vector,
    write_xlsx,
    zip_folder,
)


def assert_landed(session: Session, codes: list[str], truth: list[Any], within_m: float) -> None:
    """Each parcel exists and its outline lies within some metres of the truth."""
    for code, polygon in zip(codes, truth, strict=True):
        stored = parcel_reads.select_parcel(session, code)
        assert stored is not None, code
        assert lonlat_distance_m(stored["geometry"], polygon) < within_m, code


def vector_file(tmp_path: Path, kind: str) -> Path:
    """Two parcels in one vector format, lon/lat with their CRS declared."""
    data = frame(rows(2), squares(2), 4326)
    if kind == "shp-folder":
        return write_shapefile(tmp_path / "shp", data)
    if kind == "shp-zip":
        return zip_folder(write_shapefile(tmp_path / "shp", data), tmp_path / "parcels.zip")
    if kind == "kmz":
        return write_vector(tmp_path / "parcels.kmz", data, "LIBKML")
    driver = {"geojson": "GeoJSON", "gpkg": "GPKG", "kml": "KML"}[kind]
    return write_vector(tmp_path / f"parcels.{kind}", data, driver)


@pytest.mark.parametrize("kind", ["geojson", "gpkg", "shp-folder", "shp-zip", "kml", "kmz"])
def test_vector_formats_create_parcels_with_their_fields_and_events(
    session: Session, settings: Settings, tmp_path: Path, kind: str
) -> None:
    path = vector_file(tmp_path, kind)
    report = run(session, settings, path)
    assert report.applied and not report.refused
    assert sorted(code for code, _ in report.created) == ["IMP-1", "IMP-2"]
    assert_landed(session, ["IMP-1", "IMP-2"], squares(2), within_m=0.2)
    stored = parcel_reads.select_parcel(session, "IMP-2")
    assert stored is not None
    assert (stored["name"], stored["stage"], float(stored["floor_area_m2"])) == (
        "导入测试楼宇2", "idle", 1001.0
    )  # fmt: skip
    actors = {e["actor"] for e in parcel_reads.select_history(session, "IMP-1")}
    assert actors == {f"import:{path.name}"}


@pytest.mark.parametrize(
    ("case", "epsg", "swap", "expected"),
    [
        ("lon/lat", None, False, "EPSG:4326"),
        ("lat/lon swapped", None, True, "EPSG:4326"),
        ("GK 4550 no prefix", 4550, False, "EPSG:4550"),
        ("GK 4550 X/Y swapped", 4550, True, "EPSG:4550"),
        ("GK 4529 zone prefix 41", 4529, False, "EPSG:4529"),
        ("GK 4529 X/Y swapped", 4529, True, "EPSG:4529"),
    ],
)
def test_coordinates_without_a_crs_are_decided_from_their_values(
    session: Session,
    settings: Settings,
    tmp_path: Path,
    case: str,
    epsg: int | None,
    swap: bool,
    expected: str,
) -> None:
    truth = squares(2)
    shapes = projected(truth, epsg) if epsg else truth
    shapes = swapped(shapes) if swap else shapes
    path = write_csv(tmp_path / "survey.csv", wkt_table(rows(2), shapes))
    report = run(session, settings, path)
    assert report.crs.crs == expected and report.crs.swapped == swap, report.crs
    assert report.crs.reason
    assert report.applied and not report.refused, report.as_text()
    assert_landed(session, ["IMP-1", "IMP-2"], truth, within_m=0.2)


def test_a_shapefile_without_prj_in_gauss_kruger_is_detected(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    data = frame(rows(2), projected(squares(2), 4529), None)
    folder = write_shapefile(tmp_path / "gk", data, prj=False)
    report = run(session, settings, folder)
    assert report.crs.crs == "EPSG:4529" and "prefix" in report.crs.reason
    assert_landed(session, ["IMP-1", "IMP-2"], squares(2), within_m=0.2)


def test_the_file_crs_wins_and_crs_option_overrides(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    data = frame(rows(1), projected(squares(1), 4550), 4550)
    path = write_vector(tmp_path / "gk.gpkg", data, "GPKG")
    report = run(session, settings, path, dry_run=True)
    assert report.crs.reason.startswith("the file's own CRS") and not report.refused
    # EPSG:4510 (6-degree CM 123E) has the same numbers as 4550: the override is honoured.
    report = run(session, settings, path, crs="EPSG:4510")
    assert report.crs.crs == "EPSG:4510" and "--crs" in report.crs.reason
    assert_landed(session, ["IMP-1"], squares(1), within_m=0.5)


@pytest.mark.parametrize("encoding", ["GBK", "GB18030"])
def test_gbk_shapefiles_decode_with_or_without_cpg(
    session: Session, settings: Settings, tmp_path: Path, encoding: str
) -> None:
    data = frame(rows(1), squares(1), 4326).rename(columns={"name": "名称", "note": "备注"})
    for cpg in (True, False):
        folder = write_shapefile(tmp_path / f"gbk{cpg}", data, encoding=encoding, cpg=cpg)
        report = run(session, settings, folder, dry_run=True)
        assert not report.refused and report.created == [("IMP-1", 1)], report.as_text()
    run(session, settings, zip_folder(folder, tmp_path / "gbk.zip"))
    stored = parcel_reads.select_parcel(session, "IMP-1")
    assert stored is not None and stored["name"] == "导入测试楼宇1" and stored["note"] == "测试导入"


def gcj02(polygon: Any) -> Any:
    """A polygon as picked on Gaode tiles (WGS84 shifted to GCJ-02)."""
    return point_map(polygon, wgs84_to_gcj02)


def test_gcj02_picks_land_within_5_m_of_their_wgs84_truth(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    truth = squares(2)
    path = write_csv(tmp_path / "picks.csv", wkt_table(rows(2), [gcj02(p) for p in truth]))
    unshifted = run(session, settings, path, dry_run=True)
    assert not unshifted.crs.gcj02
    report = run(session, settings, path, gcj02=True)
    assert report.crs.gcj02 and "GCJ-02" in report.crs.reason
    assert_landed(session, ["IMP-1", "IMP-2"], truth, within_m=5)


def test_a_sheet_named_gaode_converts_from_gcj02(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    truth = squares(1)
    header = ["编号", "名称", "类别", "阶段", "WKT"]
    body = [["G-1", "高德取点楼", "闲置楼宇", "闲置", gcj02(truth[0]).wkt]]
    path = write_xlsx(tmp_path / "picks.xlsx", header, body, sheet="高德坐标")
    report = run(session, settings, path)
    assert report.crs.gcj02 and "高德" in report.crs.reason
    assert_landed(session, ["G-1"], truth, within_m=5)


def test_excel_with_chinese_headers_stage_labels_and_deadline_phrases(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    header = ["项目编号", "项目名称", "类别", "进度状态", "进度(%)", "开始时间", "期限",
              "责任单位", "建筑面积", "空置面积", "意向业态/客商", "备注", "WKT"]  # fmt: skip
    polygons = squares(4)
    body = [
        ["X-1", "楼一", "闲置楼宇", "洽谈中", "30%", "2021-01-05", "6月底前",
         "招商中心", 1200, 800, "某超市", "phrase", polygons[0].wkt],
        ["X-2", "楼二", "闲置楼宇", "已签约", 50, 44197, 44561, "招商中心", 900, 100, None,
         "serials", polygons[1].wkt],
        ["X-3", "楼三", "闲置楼宇", "闲置", 0, None, "年底", None, 500, 500, None, None,
         polygons[2].wkt],
        ["X-4", "楼四", "闲置楼宇", "闲置", 0, None, "利用3年时间", None, 500, 500, None, None,
         polygons[3].wkt],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "台账.xlsx", header, body, title="崖头街道闲置楼宇台账")
    report = run(session, settings, path, year=2021, effective_date=None)
    assert report.applied and len(report.created) == 4, report.as_text()
    got = {c: parcel_reads.select_parcel(session, c) for c in ("X-1", "X-2", "X-3", "X-4")}
    assert got["X-1"] is not None and got["X-2"] is not None
    assert (got["X-1"]["stage"], got["X-1"]["progress"]) == ("negotiating", 30)
    assert str(got["X-1"]["deadline"]) == "2021-06-30"
    assert str(got["X-2"]["start_date"]) == "2021-01-01"  # Excel serial 44197
    assert str(got["X-2"]["deadline"]) == "2021-12-31"
    assert str(got["X-3"]["deadline"]) == "2021-12-31"  # type: ignore[index]
    assert str(got["X-4"]["deadline"]) == "2023-12-31"  # type: ignore[index]
    assert got["X-1"]["intended_tenant"] == "某超市"


def test_dry_run_writes_nothing_and_second_import_changes_nothing(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    path = write_vector(tmp_path / "p.gpkg", frame(rows(3), squares(3), 4326), "GPKG")
    before = counts(session)
    report = run(session, settings, path, dry_run=True)
    assert len(report.created) == 3 and not report.applied
    assert counts(session) == before
    run(session, settings, path)
    after = counts(session)
    assert after != before
    again = run(session, settings, path)
    assert sorted(again.unchanged) == ["IMP-1", "IMP-2", "IMP-3"] and not again.applied
    assert counts(session) == after


def test_an_update_reports_each_field_old_and_new(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    header = ["编号", "阶段", "完成时间", "空置面积", "备注"]
    body = [["IB-01", "已盘活", "2022-01-01", 0, "全部盘活"]]
    path = write_xlsx(tmp_path / "u.xlsx", header, body, sheet="闲置楼宇")
    stored = parcel_reads.select_parcel(session, "IB-01")
    assert stored is not None
    report = run(session, settings, path, dry_run=True)
    assert not report.refused, report.as_text()
    (update,) = report.updated
    fields = {c.field: (c.old, c.new) for c in update.changes}
    assert fields["stage"] == (stored["stage"], "revitalised")
    assert fields["note"][1] == "全部盘活"
    assert "→" in report.as_text()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_with_or_without_bom_or_gbk(
    session: Session, settings: Settings, tmp_path: Path, encoding: str
) -> None:
    table = [r | {"名称": r.pop("name")} for r in wkt_table(rows(1), squares(1))]
    path = write_csv(tmp_path / f"{encoding}.csv", table, encoding=encoding)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    report = run(session, settings, path)
    assert report.applied and not report.ignored_columns, report.as_text()
    stored = parcel_reads.select_parcel(session, "IMP-1")
    assert stored is not None and (stored["name"], stored["note"]) == ("导入测试楼宇1", "测试导入")


def test_category_option_and_effective_date_reach_the_parcels_and_events(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    header = ["编号", "名称", "阶段", "WKT"]
    body = [["OPT-1", "无类别的楼", "闲置", squares(1)[0].wkt]]
    path = write_xlsx(tmp_path / "无类别.xlsx", header, body)
    (refusal,) = run(session, settings, path, dry_run=True).refused
    assert refusal.field in ("category", "stage"), refusal  # no category: the stage cannot map
    day = date(2021, 3, 1)
    report = run(session, settings, path, category="idle_building", effective_date=day)
    assert report.applied, report.as_text()
    stored = parcel_reads.select_parcel(session, "OPT-1")
    assert stored is not None and stored["category"] == "idle_building"
    events = parcel_reads.select_history(session, "OPT-1")
    assert {str(e["effective_date"]) for e in events} == {"2021-03-01"}
    late = write_xlsx(tmp_path / "晚.xlsx", ["编号", "备注"], [["OPT-1", "更早的事实"]])
    (refusal,) = run(session, settings, late, effective_date=date(2021, 2, 1)).refused
    assert refusal.row == 2 and "2021-03-01" in refusal.reason, refusal
