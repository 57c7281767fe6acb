"""What the health checks ask the database: its PostGIS version and schema revision."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from gis_service import db


def postgis_version(session: Session) -> str:
    """The PostGIS library version (a query that fails when the database is down)."""
    return str(session.execute(text("SELECT postgis_lib_version()")).scalar_one())


def schema_revision(session: Session) -> str | None:
    """The Alembic revision the database is at, or None before the first migration."""
    return db.stored_revision(session)
