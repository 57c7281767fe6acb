"""The tile pool's statement prepared once per connection and run on libpq directly
(repo/prepared_query.py, issue 10 goal 3): the same row, byte for byte, as psycopg's own
execute of the same statement, whatever the values' sizes, and errors raised as psycopg's."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any, TypeVar

import psycopg
import pytest

from gis_service.maps.tile_grid import Tile
from gis_service.repo import parcel_tiles
from gis_service.repo.prepared_query import (
    DATE,
    INT4,
    INT8,
    TEXT,
    binary_int,
    fetch_row,
    prepared_query,
)
from gis_service.settings import Settings

T = TypeVar("T")
# z/x/y with x and y past an int2 (psycopg would then pick another type), one in the sample town
TILES = (Tile(12, 3441, 1592), Tile(16, 55058, 25479), Tile(3, 6, 3), Tile(19, 440467, 203834))


def run(settings: Settings, scenario: Callable[[psycopg.AsyncConnection[Any]], Awaitable[T]]) -> T:
    """The scenario on one autocommit async connection to the test database, in a thread of its
    own (a browser test earlier in the session may leave a loop running in this one)."""
    conninfo = str(settings.database_url).replace("postgresql+psycopg://", "postgresql://", 1)

    async def connected() -> T:
        async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
            return await scenario(conn)

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, connected()).result()


def test_placeholders_become_numbered_once_per_name() -> None:
    query = prepared_query(
        "q", "SELECT %(a)s::int + %(b)s, %(a)s, %(c)s", {"a": INT4, "b": INT8, "c": TEXT}
    )
    assert query.sql == b"SELECT $1::int + $2, $1, $3"
    assert query.params == (("a", INT4), ("b", INT8), ("c", TEXT))
    assert query.values({"a": 7, "b": -2, "c": "崖头"}) == [
        (7).to_bytes(4, "big"),
        (-2).to_bytes(8, "big", signed=True),
        "崖头".encode(),
    ]
    assert query.values({"a": None, "b": 1, "c": None})[::2] == [None, None]


@pytest.mark.parametrize("category", [None, "idle_building"])
def test_the_versioned_tile_row_is_psycopgs_row(settings: Settings, category: str | None) -> None:
    async def both(conn: psycopg.AsyncConnection[Any]) -> list[tuple[Any, ...]]:
        rows = []
        version = binary_int((await stamp_row(conn))[0] or b"")
        for tile in TILES * 2:  # the second time on the prepared statement
            values = parcel_tiles.versioned_tile_params(
                tile,
                version=version,
                category=category,
                on=date(2026, 6, 1),
                thresholds=settings.thresholds,
            )
            query = parcel_tiles.versioned_tile_query(category is not None)
            ours = await fetch_row(conn, query, values)
            statement = parcel_tiles.versioned_tile_sql(category is not None)
            cursor = await conn.execute(statement, values, binary=True)
            theirs = await cursor.fetchone()
            assert theirs is not None
            rows.append(((binary_int(ours[0] or b""), ours[1] == b"\x01", ours[2]), theirs))
        prepared = await conn.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'tile_versioned%%'"
        )
        assert await prepared.fetchone() == (1,)  # one statement, whatever the values' sizes
        return rows

    async def stamp_row(conn: psycopg.AsyncConnection[Any]) -> list[bytes | None]:
        stamp = prepared_query("stamp", "SELECT max(id) FROM parcel_event", {})
        return await fetch_row(conn, stamp, {})

    rows = run(settings, both)
    assert any(theirs[2] for _ours, theirs in rows)  # some tiles hold parcels
    for ours, (version, folded, body) in rows:
        assert ours == (version, folded, None if body is None else bytes(body))


def test_a_failed_statement_raises_psycopgs_error_and_the_connection_goes_on(
    settings: Settings,
) -> None:
    divide = prepared_query("divide", "SELECT 1 / %(n)s, %(day)s::text", {"n": INT4, "day": DATE})

    async def scenario(conn: psycopg.AsyncConnection[Any]) -> list[bytes | None]:
        with pytest.raises(psycopg.errors.DivisionByZero):
            await fetch_row(conn, divide, {"n": 0, "day": date(2026, 1, 2)})
        return await fetch_row(conn, divide, {"n": 1, "day": date(1999, 12, 31)})

    assert run(settings, scenario) == [(1).to_bytes(4, "big"), b"1999-12-31"]
