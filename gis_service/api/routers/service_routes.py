"""Open to everyone, whatever `public_read` says: health checks and the icon (no data)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from gis_service import db
from gis_service.api.database_errors import SchemaNotCurrent
from gis_service.api.deps import PrimarySessionDep
from gis_service.api.error_responses import ErrorBody
from gis_service.api.read_routing import replica_report
from gis_service.repo import service_state

router = APIRouter(tags=["service"])

FAVICON = Path(__file__).resolve().parents[2] / "static" / "favicon.svg"
UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {
        # The one `model` of ErrorBody: it files the schema under components/schemas, where
        # every error answer of the document points (api/openapi_fixes.py, error_responses).
        "model": ErrorBody,
        "description": "The database is down or not migrated (`Retry-After` says when to ask).",
    }
}


@router.get("/healthz", summary="Liveness and database check", responses=UNAVAILABLE)
def healthz(session: PrimarySessionDep) -> dict[str, Any]:
    """Ok with the PostGIS version when the database answers; 503 when it does not."""
    return {"status": "ok", "database": "up", "postgis": service_state.postgis_version(session)}


@router.get("/readyz", summary="Ready for traffic: database up and migrated", responses=UNAVAILABLE)
def readyz(request: Request, session: PrimarySessionDep) -> dict[str, Any]:
    """Ok when the database answers and its schema is at this code's migration head.

    The read replica, if any, is reported (state, lag) but does not decide readiness: when it
    is down, reads fall back to the primary.
    """
    revision, head = service_state.schema_revision(session), _head()
    if revision != head:
        raise SchemaNotCurrent(
            f"the database schema is at {revision or 'no revision'}, this service needs {head};"
            " run `gis-service db upgrade`"
        )
    replica = replica_report(getattr(request.app.state, "read_replica", None), session)
    return {"status": "ready", "database": "up", "schema": revision, "replica": replica}


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> FileResponse:
    """The service's icon (browsers ask for it on every page)."""
    return FileResponse(FAVICON, media_type="image/svg+xml")


@cache
def _head() -> str:
    """The migration head, read once from the package."""
    return db.head_revision()
