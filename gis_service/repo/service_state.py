"""What the health checks ask the database: its PostGIS version and schema revision."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def postgis_version(session: Session) -> str:
    """The PostGIS library version (a query that fails when the database is down)."""
    return str(session.execute(text("SELECT postgis_lib_version()")).scalar_one())


def schema_revision(session: Session) -> str | None:
    """The Alembic revision the database is at, or None before the first migration."""
    exists = session.execute(text("SELECT to_regclass('alembic_version')")).scalar()
    if exists is None:
        return None
    revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if revision is None else str(revision)
