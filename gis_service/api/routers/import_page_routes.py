"""The planners' import page /import: upload, the dry-run report, confirm (via /api/imports)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from gis_service.people.shell import ShellDep, render_page

router = APIRouter(tags=["pages"])


@router.get("/import", response_class=HTMLResponse, summary="The import page (HTML)")
def import_page(shell: ShellDep) -> HTMLResponse:
    """The page in the shell; its script sends the file to /api/imports and shows the report."""
    return HTMLResponse(render_page("import.html", shell, as_of=None))
