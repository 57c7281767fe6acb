"""Excel 97 (.xls) 台账 written by xlwt: read through python-calamine like an XLSX."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from gis_service.api.errors import InvalidInput
from gis_service.repo import parcel_reads
from gis_service.settings import Settings
from gis_service.transfer.sources import read_source
from tests.api_helpers import counts
from tests.transfer_files import run, squares, write_xls

HEADER = ["项目编号", "项目名称", "类别", "进度状态", "进度(%)", "开工时间", "完成时限",
          "建筑面积", "空置面积", "备注", "WKT"]  # fmt: skip


def ledger_rows() -> list[list[object]]:
    """Three idle buildings: a phrase deadline, a date cell, a code typed as a number."""
    polygons = squares(3)
    return [
        ["XLS-1", "旧楼一", "闲置楼宇", "洽谈中", "30%", date(2021, 1, 5), "6月底前",
         1200, 800, "xls 导入", polygons[0].wkt],
        ["XLS-2", "旧楼二", "闲置楼宇", "已签约", 50, 44197, date(2021, 12, 31),
         900.5, 100, None, polygons[1].wkt],
        [101, "旧楼三", "闲置楼宇", "闲置", 0, None, "年底", 500, 500, None, polygons[2].wkt],
    ]  # fmt: skip


def test_an_xls_ledger_goes_in_with_dates_phrases_and_numbers(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    path = write_xls(tmp_path / "台账.xls", HEADER, ledger_rows(), title="崖头街道闲置楼宇台账")
    report = run(session, settings, path, year=2021)
    assert report.applied and not report.refused, report.as_text()
    assert sorted(report.created) == [("101", 5), ("XLS-1", 3), ("XLS-2", 4)]  # Excel row numbers
    one, two, three = (parcel_reads.select_parcel(session, c) for c in ("XLS-1", "XLS-2", "101"))
    assert one is not None and two is not None and three is not None
    assert (one["stage"], one["progress"]) == ("negotiating", 30)
    assert str(one["deadline"]) == "2021-06-30"
    assert str(one["start_date"]) == "2021-01-05" and one["note"] == "xls 导入"
    assert str(two["start_date"]) == "2021-01-01"  # Excel serial 44197 in a number cell
    assert str(two["deadline"]) == "2021-12-31" and float(two["floor_area_m2"]) == 900.5
    assert (three["name"], str(three["deadline"])) == ("旧楼三", "2021-12-31")
    again = run(session, settings, path, year=2021)
    assert sorted(again.unchanged) == ["101", "XLS-1", "XLS-2"] and not again.applied


def test_an_xls_update_is_reported_field_by_field(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    stored = parcel_reads.select_parcel(session, "IB-01")
    assert stored is not None
    path = write_xls(
        tmp_path / "u.xls", ["编号", "阶段", "备注"], [["IB-01", "洽谈中", "xls 更新"]],
        sheet="闲置楼宇",
    )  # fmt: skip
    report = run(session, settings, path, dry_run=True)
    assert not report.refused and len(report.updated) == 1, report.as_text()
    (update,) = report.updated
    fields = {c.field: (c.old, c.new) for c in update.changes}
    assert fields["stage"] == (stored["stage"], "negotiating")
    assert fields["note"] == (stored["note"], "xls 更新") and len(fields) == 2


@pytest.mark.parametrize(
    ("header", "merge", "expected"),
    [
        (HEADER, (1, 2), "header cells B2:C2 are merged"),
        ([*HEADER[:2], None, *HEADER[3:]], None, "column C has data but no header (cell C2"),
    ],
)
def test_merged_or_missing_xls_header_cells_are_refused(
    session: Session,
    settings: Settings,
    tmp_path: Path,
    header: list[str],
    merge: tuple[int, int] | None,
    expected: str,
) -> None:
    path = write_xls(tmp_path / "bad.xls", header, ledger_rows(), title="台账", merge_header=merge)
    before = counts(session)
    with pytest.raises(InvalidInput) as error:
        run(session, settings, path)
    assert expected in error.value.message and "bad.xls" in error.value.message
    assert counts(session) == before


def test_a_file_named_xls_that_is_not_a_workbook(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    fake = tmp_path / "fake.xls"
    fake.write_bytes(b"\xd0\xcf\x11\xe0 not really an OLE file")
    with pytest.raises(InvalidInput) as error:
        run(session, settings, fake)
    assert error.value.message == "fake.xls: not a readable XLS (Excel 97) workbook"


def test_truncated_xls_files_are_refused_never_crash(tmp_path: Path) -> None:
    whole = write_xls(tmp_path / "whole.xls", HEADER, ledger_rows(), title="台账").read_bytes()
    cut = tmp_path / "cut.xls"
    outcomes = set()
    for size in range(512, len(whole), 64):  # some of these make calamine's Rust code panic
        cut.write_bytes(whole[:size])
        try:
            read_source(cut)
            outcomes.add("read")
        except InvalidInput as error:
            assert error.message.startswith("cut.xls: "), error.message
            outcomes.add("refused")
    assert "refused" in outcomes
