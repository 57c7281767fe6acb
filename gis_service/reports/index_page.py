"""The /reports page: stored reports and the form that makes one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from gis_service.reports.report_files import StoredReport
from gis_service.reports.report_html import report_templates

KIND_LABELS_ZH: Final = {"weekly": "周调度", "monthly": "月回头"}
FORMAT_LABELS_ZH: Final = {"pdf": "PDF", "xlsx": "Excel", "html": "网页"}


def render_index(reports: Sequence[StoredReport]) -> str:
    """The page, every value autoescaped."""
    return (
        report_templates()
        .get_template("index.html")
        .render(reports=reports, kinds=KIND_LABELS_ZH, formats=FORMAT_LABELS_ZH)
    )
