"""The /reports page: stored reports and the form that makes one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from gis_service.people.shell import Shell, render_page
from gis_service.reports.report_files import StoredReport

KIND_LABELS_ZH: Final = {"weekly": "周调度", "monthly": "月回头"}
FORMAT_LABELS_ZH: Final = {"pdf": "PDF", "xlsx": "Excel", "html": "网页"}


def render_index(reports: Sequence[StoredReport], shell: Shell) -> str:
    """The page in the shell, every value autoescaped."""
    return render_page(
        "reports.html",
        shell,
        as_of=None,
        reports=reports,
        kinds=KIND_LABELS_ZH,
        formats=FORMAT_LABELS_ZH,
    )
