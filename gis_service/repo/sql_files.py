"""Loads the long SQL statements kept as package files under gis_service/sql/."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def sql_file(name: str) -> str:
    """The text of gis_service/sql/NAME.sql."""
    return (files("gis_service") / "sql" / f"{name}.sql").read_text(encoding="utf-8")
