"""Weekly and monthly reports: the /reports page, their files, and making one on request."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import BaseModel, Field

from gis_service.api.auth import CreatorDep
from gis_service.api.deps import SessionDep, SettingsDep
from gis_service.api.error_responses import error_responses
from gis_service.api.errors import InvalidInput, NotFound
from gis_service.people.shell import ShellDep
from gis_service.rules.periods import Kind, PeriodError, parse_period

router = APIRouter(tags=["reports"])

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}


class ReportRequest(BaseModel):
    """Which report to make."""

    kind: Kind = Field(description="weekly (周调度) or monthly (月回头).")
    period: str = Field(description="ISO week like 2021-W26, or month like 2021-06.")


@router.get(
    "/reports",
    response_class=HTMLResponse,
    summary="The reports page: every stored report, and a form to make one (HTML)",
    responses=error_responses(401),
)
def reports_page(settings: SettingsDep, shell: ShellDep) -> HTMLResponse:
    """Stored reports with links to their PDF, Excel and HTML files."""
    # The report modules load matplotlib, folium and the PDF/Excel writers: on first use,
    # not at start-up (issue 10: /healthz answers within 1.5 s of starting).
    from gis_service.reports.index_page import render_index
    from gis_service.reports.report_files import list_reports

    return HTMLResponse(render_index(list_reports(settings.reports_dir), shell))


@router.get("/api/reports", summary="Stored reports", responses=error_responses(401))
def get_reports(settings: SettingsDep) -> dict[str, Any]:
    """Every stored report: kind, period, formats and file URLs."""
    from gis_service.reports.report_files import list_reports

    return {"reports": [_listed(r.stem, r.kind, r.label, r.formats) for r in
                        list_reports(settings.reports_dir)]}  # fmt: skip


@router.post(
    "/api/reports",
    status_code=201,
    summary="Make a weekly or monthly report (planners and admins)",
    responses=error_responses(401, 403, 422),
)
def post_report(
    request: Annotated[ReportRequest, Body()],
    session: SessionDep,
    settings: SettingsDep,
    _user: CreatorDep,
) -> dict[str, Any]:
    """Build the report of the period from the history and write its three files."""
    from gis_service.reports.report_service import make_report

    try:
        period = parse_period(request.kind, request.period)
    except PeriodError as error:
        raise InvalidInput(str(error), field="period") from error
    written = make_report(session, settings, period)
    return _listed(period.stem, period.kind, period.label, tuple(p.suffix[1:] for p in written))


@router.get(
    "/reports/files/{name}",
    summary="One report file (PDF, XLSX or HTML)",
    responses=error_responses(401, 404),
)
def get_report_file(name: str, settings: SettingsDep) -> FileResponse:
    """A stored report file by its name, e.g. weekly-2021-W26.pdf."""
    from gis_service.reports.report_files import report_file

    path = report_file(settings.reports_dir, name)
    if path is None:
        raise NotFound(f"no report file {name!r}", field="name")
    extension = path.suffix[1:]
    # PDF and HTML open in the browser; the workbook downloads.
    disposition = "attachment" if extension == "xlsx" else "inline"
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[extension],
        filename=name,
        content_disposition_type=disposition,
    )


def _listed(stem: str, kind: str, label: str, formats: tuple[str, ...]) -> dict[str, Any]:
    """A report as the JSON list shows it."""
    return {
        "kind": kind,
        "period": label,
        "files": {ext: f"/reports/files/{stem}.{ext}" for ext in formats},
    }
