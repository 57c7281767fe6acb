"""Making a report: build its content from the store, then write its three files."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from gis_service.reports.build import build_report
from gis_service.reports.report_files import write_report
from gis_service.rules.periods import Period
from gis_service.settings import Settings


def make_report(
    session: Session, settings: Settings, period: Period, *, folder: Path | None = None
) -> list[Path]:
    """Build the report of a period and write it (PDF, XLSX, HTML); returns the paths."""
    report = build_report(session, settings, period)
    return write_report(report, folder or settings.reports_dir, chromium=settings.chromium_path)
