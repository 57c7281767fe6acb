"""Vector tiles of the parcels, built by PostGIS (ST_AsMVT), and the data version they key on."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import cache
from typing import Any, Final

from sqlalchemy import text
from sqlalchemy.orm import Session

from gis_service.maps.tile_grid import Tile, TileCache
from gis_service.repo.parcel_reads import (
    DataStamp,
    ParcelQuery,
    filter_params,
    threshold_params,
    where_clause,
)
from gis_service.repo.parcel_statements import as_of_statement
from gis_service.repo.prepared_query import (
    DATE,
    FLOAT8,
    INT4,
    INT8,
    TEXT,
    PreparedQuery,
    prepared_query,
)
from gis_service.repo.sql_files import psycopg_sql, sql_file
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
    folded: bool | None = None,
) -> bytes:
    """The parcels matching the query inside a tile, as of a date, as one MVT layer
    (`folded`: whether the date lies before the last change, when the caller knows it)."""
    query = replace(query, bbox=tile.bounds_degrees())
    statement, params = as_of_statement(
        session, "parcels_tile", query, on=on, thresholds=thresholds, folded=folded
    )
    place = {"z": tile.z, "x": tile.x, "y": tile.y, "pixel": tile.pixel_metres()}
    # At 100,000 parcels PostgreSQL prices the outlines' clipping so high that a parallel scan
    # of the whole table looks cheaper than the GiST index for a tile's ~300 rows; it is 10-20x
    # slower (docs/benchmarks.md, goal 3). For this transaction only.
    session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    return bytes(session.execute(statement, params | place).scalar_one() or b"")


def cached_tile(
    session: Session,
    cache: TileCache,
    tag: str,
    tile: Tile,
    *,
    category: str | None,
    on: date,
    thresholds: RiskThresholds,
    stamp: DataStamp,
) -> bytes:
    """The tile stored under its tag, else built at the stamp's version and stored."""
    body = cache.get(tag)
    if body is None:
        folded = stamp.before_last_change(on)
        query = ParcelQuery(category=category)
        body = parcels_tile(session, tile, query=query, on=on, thresholds=thresholds, folded=folded)
        cache.put(tag, body)
    return body


@cache
def versioned_tile_sql(category: bool) -> str:
    """sql/parcels_tile_versioned.sql in psycopg's own placeholders (for a plain psycopg
    connection, no SQLAlchemy), with or without the category filter."""
    query = ParcelQuery(bbox=(0.0, 0.0, 0.0, 0.0), category="" if category else None)
    tile = sql_file("parcels_tile").format(source="parcel_current", where=where_clause(query))
    filled = sql_file("parcels_tile_versioned").format(stamp=sql_file("data_stamp"), tile=tile)
    return psycopg_sql(filled)


# The type of each value of versioned_tile_sql, as what it meets there takes it: the date, the
# data version (a bigint id), the thresholds and z/x/y (integer arguments), the pixel and the
# envelope in degrees (double precision), the category (a text column).
VERSIONED_TILE_TYPES: Final = {
    "on": DATE,
    "v": INT8,
    "orange_days": INT4,
    "yellow_days": INT4,
    "orange_lag": INT4,
    "yellow_lag": INT4,
    "z": INT4,
    "x": INT4,
    "y": INT4,
    "pixel": FLOAT8,
    "minlon": FLOAT8,
    "minlat": FLOAT8,
    "maxlon": FLOAT8,
    "maxlat": FLOAT8,
    "category": TEXT,
}


@cache
def versioned_tile_query(category: bool) -> PreparedQuery:
    """versioned_tile_sql as a statement prepared once per tile connection (binary values)."""
    name = "tile_versioned_category" if category else "tile_versioned"
    return prepared_query(name, versioned_tile_sql(category), VERSIONED_TILE_TYPES)


def versioned_tile_params(
    tile: Tile, *, version: int, category: str | None, on: date, thresholds: RiskThresholds
) -> dict[str, Any]:
    """The values of versioned_tile_sql for a tile, as the tile routes bind them."""
    query = ParcelQuery(bbox=tile.bounds_degrees(), category=category)
    place = {"z": tile.z, "x": tile.x, "y": tile.y, "pixel": tile.pixel_metres()}
    values = filter_params(query) | {"on": on, "v": version} | threshold_params(thresholds)
    return values | place
