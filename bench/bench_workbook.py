"""Reading a 台账 workbook (issue 12): python-calamine (the import's reader) against openpyxl.

    python bench/bench_workbook.py [--rows 20000]

Writes an XLSX ledger of N rows with openpyxl (and, up to BIFF8's 65,535 rows, the same as
.xls with xlwt), then times turning every sheet into header-mapped rows: openpyxl's
read-everything path (what the import used before) and `workbook_source.read_sheets`
(python-calamine, which also reads the .xls). Prints seconds, rows per second and the ratio.
No figure is asserted; `--rows 50` is the tiny form the test suite runs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gis_service.transfer.workbook_source import read_sheets  # noqa: E402

HEADER = ["编号", "名称", "类别", "阶段", "进度(%)", "完成时限", "建筑面积", "备注", "WKT"]
XLS_MAX_ROWS = 65_535


def ledger_rows(n: int) -> list[list[Any]]:
    """n rows as a 台账 has them: text, a phrase deadline, numbers, a WKT outline."""
    wkt = "POLYGON((122.6 37.27,122.601 37.27,122.601 37.271,122.6 37.271,122.6 37.27))"
    return [
        [f"B-{i}", f"楼宇{i}", "闲置楼宇", "洽谈中", i % 100, "6月底前", 1000 + i, "备注" * 5, wkt]
        for i in range(n)
    ]


def write_ledgers(folder: Path, n: int) -> dict[str, Path]:
    """The ledger as .xlsx (openpyxl) and, when it fits, .xls (xlwt)."""
    book = Workbook()
    ws = book.active
    ws.title = "闲置楼宇"
    ws.append(HEADER)
    body = ledger_rows(n)
    for row in body:
        ws.append(row)
    paths = {"xlsx": folder / "ledger.xlsx"}
    book.save(paths["xlsx"])
    if n < XLS_MAX_ROWS:
        import xlwt

        old = xlwt.Workbook(encoding="utf-8")
        sheet = old.add_sheet("闲置楼宇")
        for r, row in enumerate([HEADER, *body]):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
        paths["xls"] = folder / "ledger.xls"
        old.save(str(paths["xls"]))
    return paths


def openpyxl_rows(path: Path) -> int:
    """Rows read the way the import read XLSX before calamine (openpyxl, cached values)."""
    book = load_workbook(path, data_only=True)
    grid = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    return sum(1 for row in grid[1:] if any(cell is not None for cell in row))


def calamine_rows(path: Path) -> int:
    """Rows read by the import's reader."""
    return sum(len(sheet.number_rows()) for sheet in read_sheets(path, path.name))


def timed(read: Callable[[Path], int], path: Path) -> tuple[float, int]:
    """Seconds taken and rows read."""
    start = time.perf_counter()
    rows = read(path)
    return time.perf_counter() - start, rows


def main() -> None:
    """Write the ledgers, time both readers, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = write_ledgers(Path(folder), args.rows)
        before, n_before = timed(openpyxl_rows, paths["xlsx"])
        after, n_after = timed(calamine_rows, paths["xlsx"])
        assert n_before == n_after == args.rows, (n_before, n_after)
        report(f"XLSX {args.rows} rows, openpyxl:", before, args.rows)
        report(f"XLSX {args.rows} rows, calamine:", after, args.rows)
        print(f"ratio openpyxl/calamine: {before / after:.1f}x")
        if "xls" in paths:
            seconds, n = timed(calamine_rows, paths["xls"])
            report(f"XLS  {n} rows, calamine:", seconds, n)


def report(label: str, seconds: float, rows: int) -> None:
    """One figure: seconds and rows per second."""
    print(f"{label} {seconds:.3f} s ({rows / seconds:,.0f} rows/s)")


if __name__ == "__main__":
    main()
