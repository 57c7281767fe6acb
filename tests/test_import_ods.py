"""OpenDocument (.ods) 台账, as LibreOffice and WPS save them: read like an XLSX."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from gis_service.api.errors import InvalidInput
from gis_service.repo import parcel_reads
from gis_service.settings import Settings
from tests.api_helpers import counts
from tests.transfer_files import run, squares, write_ods

HEADER = ["项目编号", "项目名称", "类别", "进度状态", "进度(%)", "开工时间", "完成时限",
          "建筑面积", "备注", "WKT"]  # fmt: skip


def ledger_rows() -> list[list[object]]:
    """Two idle buildings: a phrase deadline and a date cell, numbers as float cells."""
    polygons = squares(2)
    return [
        ["ODS-1", "旧楼一", "闲置楼宇", "洽谈中", 30, date(2021, 1, 5), "6月底前", 1200,
         "ods 导入", polygons[0].wkt],
        ["ODS-2", "旧楼二", "闲置楼宇", "已签约", 50, None, date(2021, 12, 31), 900.5,
         None, polygons[1].wkt],
    ]  # fmt: skip


def test_an_ods_ledger_goes_in_with_dates_phrases_and_numbers(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    path = write_ods(tmp_path / "台账.ods", HEADER, ledger_rows(), title="崖头街道闲置楼宇台账")
    before = counts(session)
    dry = run(session, settings, path, year=2021, dry_run=True)
    assert not dry.refused and counts(session) == before, dry.as_text()
    report = run(session, settings, path, year=2021)
    assert report.applied and not report.refused, report.as_text()
    assert sorted(report.created) == [("ODS-1", 3), ("ODS-2", 4)]  # the sheet's row numbers
    one, two = (parcel_reads.select_parcel(session, c) for c in ("ODS-1", "ODS-2"))
    assert one is not None and two is not None
    assert (one["stage"], one["progress"], one["note"]) == ("negotiating", 30, "ods 导入")
    assert (str(one["start_date"]), str(one["deadline"])) == ("2021-01-05", "2021-06-30")
    assert str(two["deadline"]) == "2021-12-31" and float(two["floor_area_m2"]) == 900.5
    again = run(session, settings, path, year=2021)
    assert sorted(again.unchanged) == ["ODS-1", "ODS-2"] and not again.applied


def test_missing_ods_header_cells_and_broken_files_are_refused(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    header: list[str] = [*HEADER[:2], None, *HEADER[3:]]  # type: ignore[list-item]
    path = write_ods(tmp_path / "bad.ods", header, ledger_rows())
    before = counts(session)
    with pytest.raises(InvalidInput) as error:
        run(session, settings, path)
    assert "bad.ods: sheet 台账: column C has data but no header" in error.value.message
    fake = tmp_path / "fake.ods"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InvalidInput) as error:
        run(session, settings, fake)
    assert error.value.message == "fake.ods: not a readable ODS (OpenDocument) workbook"
    assert counts(session) == before
