"""The report as an Excel workbook: an overview sheet, then one sheet per section."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gis_service.reports.model import SHORT_LEVEL_COLOURS, Report, Section
from gis_service.reports.report_html import summary

OVERVIEW_SHEET: Final = "概况"
_HEADER_FILL: Final = PatternFill("solid", fgColor="EEF1F4")
_NUMBERING: Final = re.compile(r"^(?:[一二三四五六七八九十]+、|附表\s*)")
_BAD_SHEET_CHARS: Final = re.compile(r"[\[\]:*?/\\]")


def sheet_name(section: Section) -> str:
    """A section's sheet name: its title without the numbering, as Excel allows (≤ 31)."""
    return _BAD_SHEET_CHARS.sub("", _NUMBERING.sub("", section.title_zh))[:31]


def write_report_xlsx(report: Report, path: Path) -> None:
    """Write the workbook: 概况 first, then every section with a frozen header row."""
    workbook = Workbook()
    overview = workbook.active
    assert overview is not None  # a new workbook always has one sheet
    _overview(overview, report)
    for section in report.sections:
        _section_sheet(workbook.create_sheet(sheet_name(section)), section)
    workbook.properties.creator = "gis-service"
    workbook.properties.title = report.title_zh
    workbook.save(path)


def _overview(sheet: Worksheet, report: Report) -> None:
    """Title, period, as-of date, the illustrative note and the headline figures."""
    sheet.title = OVERVIEW_SHEET
    rows: list[tuple[str, str]] = [
        ("报告", report.title_zh),
        ("统计期间", f"{report.period.start.isoformat()} 至 {report.period.end.isoformat()}"),
        ("数据截至", report.as_of.isoformat()),
        ("数据性质", "示意数据" if report.illustrative else "实际数据"),
        *((caption, value) for value, caption in summary(report)),
    ]
    sheet.append(("项目", "内容"))
    for row in rows:
        sheet.append(row)
    _style_header(sheet, 2)
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 60


def _section_sheet(sheet: Worksheet, section: Section) -> None:
    """One section: the header row (frozen), then its rows with numbers as numbers."""
    sheet.append(list(section.headers))
    for row in section.rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            # openpyxl stores text starting with "=" as a formula; stored text is data only.
            if cell.data_type == "f":
                cell.data_type = "s"
    _style_header(sheet, len(section.headers))
    if section.level_column is not None:
        column = section.level_column + 1
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            colour = SHORT_LEVEL_COLOURS.get(str(cell.value))
            if colour:
                cell.fill = PatternFill("solid", fgColor=colour.lstrip("#").upper())
                cell.alignment = Alignment(horizontal="center")
    for index, header in enumerate(section.headers, start=1):
        longest = max([len(str(header)), *(len(str(r[index - 1] or "")) for r in section.rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, 4 + longest * 1.8)


def _style_header(sheet: Worksheet, columns: int) -> None:
    """Bold grey header row, frozen so it stays while scrolling."""
    for cell in sheet[1][:columns]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    sheet.freeze_panes = "A2"
