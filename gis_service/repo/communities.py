"""Reads and writes of community boundaries."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session


def upsert_community(
    session: Session, *, name: str, kind: str, illustrative: bool, geometry: dict[str, Any]
) -> bool:
    """Insert or update a community by name; returns whether anything changed."""
    statement = text(
        """
        INSERT INTO community AS c (name, kind, illustrative, geom)
        VALUES (:name, :kind, :illustrative,
                ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(:geometry), 4326)))
        ON CONFLICT (name) DO UPDATE
            SET kind = excluded.kind, illustrative = excluded.illustrative, geom = excluded.geom
            WHERE (c.kind, c.illustrative) IS DISTINCT FROM (excluded.kind, excluded.illustrative)
               OR NOT ST_Equals(c.geom, excluded.geom)
        RETURNING c.id
        """
    )
    params = {
        "name": name,
        "kind": kind,
        "illustrative": illustrative,
        "geometry": json.dumps(geometry),
    }
    return session.execute(statement, params).first() is not None


def select_communities(session: Session) -> list[dict[str, Any]]:
    """Every community with its outline as GeoJSON, ordered by name."""
    statement = text(
        """
        SELECT name, kind, illustrative, ST_AsGeoJSON(geom, 6)::jsonb AS geometry
        FROM community
        ORDER BY kind, name
        """
    )
    return [dict(row) for row in session.execute(statement).mappings()]


def select_communities_where(
    session: Session,
    *,
    name: str | None = None,
    kind: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
) -> list[dict[str, Any]]:
    """Communities matching optional name, kind and bbox filters, by kind then name."""
    statement = text(
        """
        SELECT name, kind, illustrative, ST_AsGeoJSON(geom, 6)::jsonb AS geometry
        FROM community
        WHERE (CAST(:name AS text) IS NULL OR name = :name)
          AND (CAST(:kind AS text) IS NULL OR kind = :kind)
          AND (CAST(:minlon AS float8) IS NULL
               OR ST_Intersects(geom, ST_MakeEnvelope(:minlon, :minlat, :maxlon, :maxlat, 4326)))
        ORDER BY kind, name
        """
    )
    minlon, minlat, maxlon, maxlat = bbox or (None, None, None, None)
    params = {"name": name, "kind": kind, "minlon": minlon, "minlat": minlat}
    params |= {"maxlon": maxlon, "maxlat": maxlat}
    return [dict(row) for row in session.execute(statement, params).mappings()]
