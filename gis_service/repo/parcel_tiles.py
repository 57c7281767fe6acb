"""Vector tiles of the parcels, built by PostGIS (ST_AsMVT), and the data version they key on."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from gis_service.maps.tile_grid import Tile
from gis_service.repo.parcel_reads import (
    ParcelQuery,
    before_last_change,
    filter_params,
    source_relation,
    threshold_params,
    where_clause,
)
from gis_service.repo.sql_files import sql_file
from gis_service.rules.levels import RiskThresholds


def data_version(session: Session) -> int:
    """A number every write raises: the newest event's id (events are append-only)."""
    return int(session.execute(text("SELECT coalesce(max(id), 0) FROM parcel_event")).scalar_one())


def parcels_tile(
    session: Session,
    tile: Tile,
    *,
    query: ParcelQuery,
    on: date,
    thresholds: RiskThresholds,
) -> bytes:
    """The parcels matching the query inside a tile, as of a date, as one MVT layer."""
    query = replace(query, bbox=tile.bounds_degrees())
    folded = before_last_change(session, on)
    statement = text(
        sql_file("parcels_tile").format(
            source=source_relation(query, folded), where=where_clause(query)
        )
    )
    params = (
        filter_params(query)
        | {
            "as_of": on,
            "on": on,
            "z": tile.z,
            "x": tile.x,
            "y": tile.y,
            "pixel": tile.pixel_metres(),
        }
        | threshold_params(thresholds)
    )
    return bytes(session.execute(statement, params).scalar_one() or b"")
