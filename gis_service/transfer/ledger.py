"""The XLSX 台账: one sheet per category with Chinese headers, and a 指标 sheet of the KPIs.

Dates are date cells, the level a cell filled with its colour, the header row frozen with an
auto-filter, columns sized to their text. The last column holds the outline as WKT (WGS84) so
that a row added in the sheet can carry its polygon; the import reads the sheet back.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

import shapely
from shapely.geometry import shape

from gis_service.parcels.fields import ALL_CATEGORIES, FIELD_KINDS, FIELDS
from gis_service.rules.levels import LEVEL_COLOURS, LEVEL_LABELS_ZH, Level
from gis_service.rules.stages import CATEGORIES, CATEGORY_LABELS_ZH, STAGE_LABELS_ZH
from gis_service.transfer.columns import WKT_HEADER, header_of
from gis_service.transfer.formula_text import is_formula_like
from gis_service.transfer.workbook_source import KPI_SHEET

COMMON: Final = ("code", "name", "stage", "progress", "start_date", "deadline", "completed_on",
                 "community", "responsible_unit", "responsible_person")  # fmt: skip
TAIL: Final = ("plan_targets", "note", "level", "days_left")
KPI_HEADER: Final = ("指标", "单位", "目标", "实际", "完成率(%)", "等级", "期限", "说明")
HEADER_FONT: Final = Font(bold=True)
MAX_WIDTH: Final = 40


def sheet_fields(category: str) -> tuple[str, ...]:
    """The columns of a category's sheet, in order: the common ones, the facts the field
    table gives that category, then targets, note and the level (WKT comes last)."""
    facts = [f.name for f in FIELDS if f.categories != ALL_CATEGORIES and category in f.categories]
    return (*COMMON, *facts, *TAIL)


def ledger_bytes(
    features: list[dict[str, Any]], *, kpis: list[dict[str, Any]], as_of: str
) -> bytes:
    """The workbook as bytes."""
    book = Workbook()
    book.remove(book.active)
    for category in CATEGORIES:
        rows = [f for f in features if f["properties"]["category"] == category]
        _category_sheet(book.create_sheet(CATEGORY_LABELS_ZH[category]), category, rows)
    _kpi_sheet(book.create_sheet(KPI_SHEET), kpis, as_of)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _category_sheet(ws: Worksheet, category: str, features: list[dict[str, Any]]) -> None:
    """One category's parcels, a row each."""
    fields = sheet_fields(category)
    ws.append([header_of(f) for f in fields] + [WKT_HEADER])
    for feature in features:
        props = feature["properties"]
        cells = [_cell(f, props, category) for f in fields]
        cells.append(shapely.to_wkt(shape(feature["geometry"]), rounding_precision=7))
        ws.append(cells)
        for cell in ws[ws.max_row]:
            if is_formula_like(cell.value):
                cell.data_type = "s"  # stored text stays text, never a live formula
        level = props.get("level")
        if level:
            fill = LEVEL_COLOURS[Level(level)].lstrip("#")
            ws.cell(ws.max_row, fields.index("level") + 1).fill = PatternFill("solid", fgColor=fill)
    for column, field in enumerate(fields, start=1):
        if FIELD_KINDS.get(field) == "date":
            for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
                cell.number_format = "yyyy-mm-dd"
    _dress(ws)


def _cell(field: str, props: dict[str, Any], category: str) -> Any:
    """A property as a cell value: dates as dates, stage and level as Chinese labels."""
    value = props.get(field)
    if value is None:
        return None
    if field == "stage":
        return STAGE_LABELS_ZH[category][value]
    if field == "level":
        return LEVEL_LABELS_ZH[Level(value)]
    if FIELD_KINDS.get(field) == "date":
        return date.fromisoformat(value)
    if FIELD_KINDS.get(field) == "text_list":
        return ",".join(value) or None
    return value


def _kpi_sheet(ws: Worksheet, kpis: list[dict[str, Any]], as_of: str) -> None:
    """Each KPI: target, actual, percent, level (coloured), deadline, detail."""
    ws.append(list(KPI_HEADER))
    for kpi in kpis:
        target, actual = kpi.get("target"), kpi.get("actual")
        percent = round(100 * actual / target, 1) if target and actual is not None else None
        deadline = date.fromisoformat(kpi["deadline"]) if kpi.get("deadline") else None
        level = Level(kpi["level"])
        ws.append([kpi["title_zh"], kpi.get("unit"), target, actual, percent,
                   LEVEL_LABELS_ZH[level], deadline, kpi.get("detail_zh")])  # fmt: skip
        ws.cell(ws.max_row, 6).fill = PatternFill("solid", fgColor=LEVEL_COLOURS[level].lstrip("#"))
        ws.cell(ws.max_row, 7).number_format = "yyyy-mm-dd"
    ws.append([])
    ws.append(["统计日期", date.fromisoformat(as_of)])
    ws.cell(ws.max_row, 2).number_format = "yyyy-mm-dd"
    _dress(ws, filter_rows=len(kpis) + 1)


def _dress(ws: Worksheet, filter_rows: int | None = None) -> None:
    """Bold frozen header, auto-filter over the table, widths fitted to the text."""
    for cell in ws[1]:
        cell.font = HEADER_FONT
    ws.freeze_panes = "A2"
    last = get_column_letter(ws.max_column)
    ws.auto_filter.ref = f"A1:{last}{filter_rows or max(ws.max_row, 1)}"
    for column in range(1, ws.max_column + 1):
        letter = get_column_letter(column)
        widths = [_width(c.value) for (c,) in ws.iter_rows(min_col=column, max_col=column)]
        ws.column_dimensions[letter].width = min(MAX_WIDTH, max(widths + [6]) + 2)


def _width(value: Any) -> int:
    """Display width of a cell's text (CJK characters count double)."""
    if value is None:
        return 0
    text = value.isoformat() if isinstance(value, date) else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text[:60])
