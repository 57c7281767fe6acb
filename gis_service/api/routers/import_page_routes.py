"""The planners' import page /import: upload, the dry-run report, confirm (via /api/imports)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter(tags=["pages"])

PAGE = Path(__file__).resolve().parents[2] / "static" / "import.html"


@router.get("/import", response_class=FileResponse, summary="The import page (HTML)")
def import_page() -> FileResponse:
    """A static page: its script sends the file to /api/imports and shows the report."""
    return FileResponse(PAGE, media_type="text/html; charset=utf-8")
