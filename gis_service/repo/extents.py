"""Extents of the data, per parcel category and of the communities, for OGC collections."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

Bbox = tuple[float, float, float, float]


def select_category_extents(session: Session) -> dict[str, dict[str, Any]]:
    """Per category: bbox of its live parcels and the span of its recorded history."""
    statement = text(
        """
        WITH spatial AS (
            SELECT category, ST_Extent(geom) AS box FROM parcel_current GROUP BY category
        ),
        temporal AS (
            SELECT p.category, min(e.effective_date) AS first_day,
                   max(e.effective_date) AS last_day
            FROM parcel_event AS e JOIN parcel AS p ON p.id = e.parcel_id
            GROUP BY p.category
        )
        SELECT coalesce(s.category, t.category) AS category,
               ST_XMin(s.box) AS minlon, ST_YMin(s.box) AS minlat,
               ST_XMax(s.box) AS maxlon, ST_YMax(s.box) AS maxlat,
               t.first_day, t.last_day
        FROM spatial AS s FULL JOIN temporal AS t ON t.category = s.category
        """
    )
    return {row["category"]: _extent(row) for row in session.execute(statement).mappings()}


def select_community_extent(session: Session) -> Bbox | None:
    """The bbox of every community outline, or None when there are none."""
    statement = text(
        "SELECT ST_XMin(b) AS minlon, ST_YMin(b) AS minlat, ST_XMax(b) AS maxlon,"
        " ST_YMax(b) AS maxlat FROM (SELECT ST_Extent(geom) AS b FROM community) AS e"
    )
    row = session.execute(statement).mappings().one()
    return _bbox(row)


def select_parcel_extent(session: Session) -> Bbox | None:
    """The bbox of every live parcel, or None when there are none."""
    statement = text(
        "SELECT ST_XMin(b) AS minlon, ST_YMin(b) AS minlat, ST_XMax(b) AS maxlon,"
        " ST_YMax(b) AS maxlat FROM (SELECT ST_Extent(geom) AS b FROM parcel_current) AS e"
    )
    return _bbox(session.execute(statement).mappings().one())


def _extent(row: Any) -> dict[str, Any]:
    """A row of the extents query as {bbox, first_day, last_day}."""
    first_day: date | None = row["first_day"]
    last_day: date | None = row["last_day"]
    return {"bbox": _bbox(row), "first_day": first_day, "last_day": last_day}


def _bbox(row: Any) -> Bbox | None:
    """The bbox columns of a row, or None when the extent was empty."""
    if row["minlon"] is None:
        return None
    return (
        float(row["minlon"]),
        float(row["minlat"]),
        float(row["maxlon"]),
        float(row["maxlat"]),
    )
