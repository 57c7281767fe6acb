"""Sheets of a workbook (.xlsx, .xls, .ods) as tables: header row found, merged or blank refused.

Read through python-calamine (a maintained Rust reader of Excel 97 BIFF8, Office Open XML and
OpenDocument spreadsheets, as WPS and LibreOffice save them; several times faster than openpyxl
on a large 台账, and a reader of .xls that is still kept).
A 台账 often has a title row (merged across) above its header: the header is the first row in
which at least two cells name known columns. Sheets with no such row (the exported 指标 sheet,
notes) are skipped. Cells come typed: dates as date/datetime, numbers as float (BIFF keeps
every number as one; `cells` drops a whole number's '.0'), empty cells as None.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from python_calamine import CalamineError, CalamineSheet, CalamineWorkbook, SheetTypeEnum

from gis_service.api.errors import InvalidInput
from gis_service.transfer.columns import (
    WKT_HEADERS,
    X_HEADERS,
    Y_HEADERS,
    field_of_header,
    is_ignored_header,
    normal_header,
)

WORKBOOK_SUFFIXES: Final = frozenset({".xlsx", ".xls", ".ods"})
HEADER_SEARCH_ROWS: Final = 10  # the header is within the first rows of a sheet
KPI_SHEET: Final = "指标"  # the KPI sheet an export adds: read by people, not imported
_KINDS: Final = {".xlsx": "XLSX", ".xls": "XLS (Excel 97)", ".ods": "ODS (OpenDocument)"}

Grid = list[list[Any]]
# A merged range as calamine gives it, 0-based: ((first row, first col), (last row, last col)).
Merged = tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True)
class Sheet:
    """A sheet's title, its header (one name per column), and its data rows by row number."""

    title: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]

    def number_rows(self) -> list[tuple[int, dict[str, Any]]]:
        """Rows as (Excel row number, header → value), blank rows left out."""
        return [
            (number, dict(zip(self.header, cells, strict=False)))
            for number, cells in self.rows
            if any(cell not in (None, "") for cell in cells)
        ]


def read_sheets(path: Path, name: str) -> list[Sheet]:
    """Every worksheet of a workbook that has a header of known columns."""
    kind = _KINDS.get(path.suffix.lower(), "Excel")
    try:
        book = CalamineWorkbook.from_path(path)
        grids = [
            (meta.name, _grid(book.get_sheet_by_name(meta.name)))
            for meta in book.sheets_metadata
            if meta.typ == SheetTypeEnum.WorkSheet and meta.name != KPI_SHEET
        ]
    except BaseException as error:  # calamine panics on some broken files: see _unreadable
        if not _unreadable(error):
            raise
        raise InvalidInput(f"{name}: not a readable {kind} workbook", field="file") from None
    sheets = [s for s in (sheet_table(title, g, m, name) for title, (g, m) in grids) if s]
    if not sheets:
        raise InvalidInput(
            f"{name}: no sheet has a header row naming known columns (编号, 名称, 类别 …)",
            field="file",
        )
    return sheets


def _unreadable(error: BaseException) -> bool:
    """Whether an error means the file is broken.

    A truncated .xls can make calamine's Rust code panic; pyo3 raises that as
    `pyo3_runtime.PanicException`, a BaseException that cannot be imported by name.
    """
    panic = type(error).__name__ == "PanicException" and type(error).__module__ == "pyo3_runtime"
    return panic or isinstance(error, CalamineError | OSError | ValueError)


def _grid(ws: CalamineSheet) -> tuple[Grid, list[Merged]]:
    """A sheet's cells from A1 (empty cells None) and its merged ranges."""
    grid = [
        [None if cell == "" else cell for cell in row]
        for row in ws.to_python(skip_empty_area=False)
    ]
    return grid, list(ws.merged_cell_ranges or [])


def sheet_table(title: str, grid: Grid, merged: list[Merged], name: str) -> Sheet | None:
    """A sheet's grid as a table, or None when no header row is found (pure)."""
    at = _header_row(grid)
    if at is None:
        return None
    _refuse_merged_header(title, merged, at, name)
    width = max(
        (len(row) - next((i for i, c in enumerate(reversed(row)) if c is not None), len(row)))
        for row in grid[at:]
    )
    header = [str(c).strip() if c is not None else "" for c in grid[at][:width]]
    header += [""] * (width - len(header))
    for column, heading in enumerate(header):
        if not heading and any(_cell(row, column) not in (None, "") for row in grid[at + 1 :]):
            letter = column_letter(column)
            raise InvalidInput(
                f"{name}: sheet {title}: column {letter} has data "
                f"but no header (cell {letter}{at + 1} is empty)",
                field="file",
            )
    rows = [(at + 2 + i, row[:width]) for i, row in enumerate(grid[at + 1 :])]
    return Sheet(title, header, rows)


def _header_row(grid: Grid) -> int | None:
    """Index of the first row with at least two cells naming known columns."""
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        known = sum(1 for cell in row if cell is not None and _known(cell))
        if known >= 2:
            return index
    return None


def _known(cell: Any) -> bool:
    """Whether a header cell names a field, a computed value or a geometry column."""
    norm = normal_header(cell)
    return (
        field_of_header(cell) is not None
        or is_ignored_header(cell)
        or norm in WKT_HEADERS | X_HEADERS | Y_HEADERS
    )


def _refuse_merged_header(title: str, merged: list[Merged], at: int, name: str) -> None:
    """Refuse merged cells in the header row: each column needs its own header."""
    for (first_row, first_col), (last_row, last_col) in merged:
        if first_row <= at <= last_row:
            cells = (
                f"{column_letter(first_col)}{first_row + 1}:{column_letter(last_col)}{last_row + 1}"
            )
            raise InvalidInput(
                f"{name}: sheet {title}: header cells {cells} are merged; "
                "unmerge them so that every column has its own header",
                field="file",
            )


def column_letter(index: int) -> str:
    """Excel's letters of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _cell(row: list[Any], column: int) -> Any:
    """A row's cell, None past its end."""
    return row[column] if column < len(row) else None
