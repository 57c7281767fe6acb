"""Vector tiles of the parcels, built by PostGIS (ST_AsMVT), and the data version they key on."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from gis_service.maps.tile_grid import Tile, TileCache
from gis_service.repo.parcel_reads import DataStamp, ParcelQuery
from gis_service.repo.parcel_statements import as_of_statement
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
