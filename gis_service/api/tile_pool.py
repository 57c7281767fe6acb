"""A worker's few asynchronous psycopg connections for versioned tile misses (issue 10 goal 3)
and plain GeoJSON pages (api/page_fast_path.py, goal 1: the same reasons, one statement each).

A miss of the tile fast path (api/tile_fast_path.py) is one statement: the data's stamp and
the tile together (sql/parcels_tile_versioned.sql). Sent on a plain psycopg connection from
the event loop it costs one round trip and the statement itself; through a SQLAlchemy session
in a worker thread it cost a thread hop, the pool's ping, BEGIN, the stamp, SET LOCAL, the
tile and ROLLBACK (six round trips), and that Python time on the cores PostgreSQL needs.

The connections are autocommit (one statement, nothing to commit), have the serving engine's
statement timeout, and plan without parallel workers, as every tile transaction does
(repo/parcel_tiles.py: the parallel plan of a tile is 10-20x slower). The tile statement is
prepared once on each (repo/prepared_query.py). They come out of the worker's connection budget:
gis_service.db.make_engine gives the SQLAlchemy pool that many fewer overflow connections.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
from sqlalchemy import Engine
from starlette.types import Scope

from gis_service.api.deps import get_session
from gis_service.db import tile_connections
from gis_service.settings import Settings


class TilePool:
    """Up to `size` connections on one event loop; a caller waits `wait` seconds at most."""

    def __init__(self, conninfo: str, size: int, wait: float, options: str) -> None:
        self.conninfo = conninfo
        self.options = options
        self.wait = wait
        self.loop = asyncio.get_running_loop()
        self._free = asyncio.Semaphore(size)
        self._idle: list[psycopg.AsyncConnection[Any]] = []

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """A connection (TimeoutError when none frees in time); closed, not kept, on error."""
        async with asyncio.timeout(self.wait):
            await self._free.acquire()
        try:
            conn = self._idle.pop() if self._idle else await self._connect()
            try:
                yield conn
            except BaseException:
                await conn.close()
                raise
            self._idle.append(conn)
        finally:
            self._free.release()

    async def close(self) -> None:
        """Close the idle connections (at shutdown: PostgreSQL then logs no lost client)."""
        idle, self._idle = self._idle, []
        for conn in idle:
            await conn.close()

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        return await psycopg.AsyncConnection.connect(
            self.conninfo, autocommit=True, options=self.options
        )


def request_pool(scope: Scope, settings: Settings) -> TilePool | None:
    """The pool a fast path may run a request's statement on, or None when its reads must go
    through a session: under the tests' shared session (an override of get_session, whose
    rows they must see) or with a read replica (its routing rules; no pool then)."""
    app = scope["app"]
    if get_session in app.dependency_overrides:
        return None
    return app_tile_pool(app.state, settings)


def app_tile_pool(state: Any, settings: Settings) -> TilePool | None:
    """The worker's tile pool on the app's state, made on first use in this event loop; None
    when the worker keeps no tile connection."""
    pool: TilePool | None = getattr(state, "tile_pool", None)
    if pool is not None and pool.loop is asyncio.get_running_loop():
        return pool
    size = tile_connections(settings)
    if size == 0:
        return None
    engine: Engine = state.engine
    pool = state.tile_pool = new_tile_pool(engine, settings, size)
    return pool


def new_tile_pool(engine: Engine, settings: Settings, size: int) -> TilePool:
    """A pool of `size` connections to the engine's database, set up as the module says
    (also what bench/bench_page_ceiling.py reads the page with, without HTTP)."""
    conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    options = (
        f"-c statement_timeout={settings.db_statement_timeout_ms}"
        " -c max_parallel_workers_per_gather=0"
    )
    return TilePool(conninfo, size, settings.db_pool_timeout, options)
