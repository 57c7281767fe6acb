"""Loads the long SQL statements kept as package files under gis_service/sql/."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import psycopg


@cache
def sql_file(name: str) -> str:
    """The text of gis_service/sql/NAME.sql."""
    return (files("gis_service") / "sql" / f"{name}.sql").read_text(encoding="utf-8")


def psycopg_sql(statement: str) -> str:
    """A statement's text with SQLAlchemy's `:name` placeholders in psycopg's own form (for a
    plain psycopg connection), its comment lines left out."""
    lines = (line for line in statement.splitlines() if not line.lstrip().startswith("--"))
    dialect = psycopg.dialect()  # type: ignore[no-untyped-call]
    return str(text("\n".join(lines)).compile(dialect=dialect))
