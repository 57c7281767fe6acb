"""Writing a report's three files into the reports folder, and listing what is there."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from gis_service.reports.model import Report
from gis_service.reports.pdf import footer_html, print_pdf
from gis_service.reports.report_html import render_report_html
from gis_service.reports.xlsx import write_report_xlsx

FORMATS: Final[tuple[str, ...]] = ("pdf", "xlsx", "html")
# weekly-2021-W26.pdf, monthly-2021-06.xlsx: the only names the folder's files may have.
FILE_NAME: Final = re.compile(
    r"(?P<stem>(?P<kind>weekly)-[0-9]{4}-W[0-9]{2}|(?P<mkind>monthly)-[0-9]{4}-[0-9]{2})"
    r"\.(?P<ext>pdf|xlsx|html)"
)


@dataclass(frozen=True)
class StoredReport:
    """One report in the folder: its stem, kind, period label, formats and when written."""

    stem: str
    kind: str
    label: str
    formats: tuple[str, ...]
    written_at: datetime


def write_report(report: Report, folder: Path, *, chromium: Path) -> list[Path]:
    """Write the report's HTML, XLSX and PDF; each file appears whole or not at all."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = report.period.stem
    html = folder / f"{stem}.html"
    _replace(html, lambda tmp: tmp.write_text(render_report_html(report), encoding="utf-8"))
    _replace(folder / f"{stem}.xlsx", lambda tmp: write_report_xlsx(report, tmp))
    footer = footer_html(report.as_of, report.illustrative)
    _replace(
        folder / f"{stem}.pdf",
        lambda tmp: print_pdf(html, tmp, chromium=chromium, footer=footer),
    )
    return [folder / f"{stem}.{ext}" for ext in FORMATS]


def _replace(target: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file in the same folder, then rename over the target."""
    handle, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.stem}-", suffix=target.suffix
    )
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


def list_reports(folder: Path) -> list[StoredReport]:
    """The reports in the folder, newest period first within each kind (weekly first)."""
    found: dict[str, dict[str, float]] = {}
    for path in folder.glob("*") if folder.is_dir() else []:
        match = FILE_NAME.fullmatch(path.name)
        if match and path.is_file():
            found.setdefault(match["stem"], {})[match["ext"]] = path.stat().st_mtime
    reports = [
        StoredReport(
            stem=stem,
            kind=stem.split("-", 1)[0],
            label=stem.split("-", 1)[1],
            formats=tuple(ext for ext in FORMATS if ext in formats),
            written_at=datetime.fromtimestamp(max(formats.values()), tz=UTC),
        )
        for stem, formats in found.items()
    ]
    return sorted(reports, key=lambda r: (r.kind != "weekly", r.kind, _desc(r.label)))


def _desc(label: str) -> tuple[int, ...]:
    """A sort key putting later periods first."""
    return tuple(-int(part) for part in re.findall(r"[0-9]+", label))


def report_file(folder: Path, name: str) -> Path | None:
    """The path of a stored report file by its name; None for any other name or a missing file."""
    if not FILE_NAME.fullmatch(name):
        return None
    path = folder / name
    return path if path.is_file() else None
