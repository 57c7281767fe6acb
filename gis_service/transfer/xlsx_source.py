"""Sheets of an XLSX workbook as tables: the header row found, merged or blank headers refused.

A 台账 often has a title row (merged across) above its header: the header is the first row in
which at least two cells name known columns. Sheets with no such row (the exported 指标 sheet,
notes) are skipped. Cells come as openpyxl gives them: dates as datetime, numbers as numbers.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from gis_service.api.errors import InvalidInput
from gis_service.transfer.columns import (
    WKT_HEADERS,
    X_HEADERS,
    Y_HEADERS,
    field_of_header,
    is_ignored_header,
    normal_header,
)

HEADER_SEARCH_ROWS: Final = 10  # the header is within the first rows of a sheet
KPI_SHEET: Final = "指标"  # the KPI sheet an export adds: read by people, not imported


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
    """Every sheet of a workbook that has a header of known columns."""
    try:
        book = load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise InvalidInput(f"{name}: not a readable XLSX workbook", field="file") from None
    sheets = [
        s
        for s in (_sheet(ws, name) for ws in book.worksheets if ws.title != KPI_SHEET)
        if s is not None
    ]
    if not sheets:
        raise InvalidInput(
            f"{name}: no sheet has a header row naming known columns (编号, 名称, 类别 …)",
            field="file",
        )
    return sheets


def _sheet(ws: Worksheet, name: str) -> Sheet | None:
    """A sheet as a table, or None when no header row is found."""
    grid = [list(row) for row in ws.iter_rows(values_only=True)]
    at = _header_row(grid)
    if at is None:
        return None
    _refuse_merged_header(ws, at + 1, name)
    header_cells = grid[at]
    width = max(
        (len(row) - next((i for i, c in enumerate(reversed(row)) if c is not None), len(row)))
        for row in grid[at:]
    )
    header = [str(c).strip() if c is not None else "" for c in header_cells[:width]]
    header += [""] * (width - len(header))
    for column, title in enumerate(header):
        if not title and any(_cell(row, column) not in (None, "") for row in grid[at + 1 :]):
            cell = f"{get_column_letter(column + 1)}{at + 1}"
            raise InvalidInput(
                f"{name}: sheet {ws.title}: column {get_column_letter(column + 1)} has data "
                f"but no header (cell {cell} is empty)",
                field="file",
            )
    rows = [(at + 2 + i, row[:width]) for i, row in enumerate(grid[at + 1 :])]
    return Sheet(ws.title, header, rows)


def _header_row(grid: list[list[Any]]) -> int | None:
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


def _refuse_merged_header(ws: Worksheet, row: int, name: str) -> None:
    """Refuse merged cells in the header row: each column needs its own header."""
    for merged in ws.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row:
            raise InvalidInput(
                f"{name}: sheet {ws.title}: header cells {merged.coord} are merged; "
                "unmerge them so that every column has its own header",
                field="file",
            )


def _cell(row: list[Any], column: int) -> Any:
    """A row's cell, None past its end."""
    return row[column] if column < len(row) else None
