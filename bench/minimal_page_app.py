"""Issue 10's "minimal FastAPI + psycopg (JSON built in the DB)" column, for
bench/bench_page_ceiling.py: one route that runs the page statement the service runs (its
values written in, MINIMAL_PAGE_SQL) and answers the Features PostgreSQL built in a
FeatureCollection. No parameters, validation, ETag, links or gzip: about the least a Python web
service can do for the page. Not part of the product.

    MINIMAL_PAGE_SQL=... MINIMAL_DSN=postgresql://... uvicorn --app-dir bench \\
        minimal_page_app:app --workers 2
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import psycopg
from fastapi import FastAPI, Response
from psycopg.adapt import Buffer, Loader

STATEMENT = os.environ.get("MINIMAL_PAGE_SQL", "SELECT 1, false, 0, 0, '[]'::text")
CONNECTIONS = int(os.environ.get("MINIMAL_CONNECTIONS", "4"))
app = FastAPI()
_free: asyncio.Queue[psycopg.AsyncConnection[Any]] | None = None


class BytesLoader(Loader):
    """Text columns as the bytes PostgreSQL sent (no decode and encode of the megabyte)."""

    def load(self, data: Buffer) -> bytes:
        """The column's bytes."""
        return bytes(data)


async def free_connections() -> asyncio.Queue[psycopg.AsyncConnection[Any]]:
    """This worker's few connections, made on first use."""
    global _free
    if _free is None:
        _free = asyncio.Queue()
        for _ in range(CONNECTIONS):
            conn = await psycopg.AsyncConnection.connect(os.environ["MINIMAL_DSN"], autocommit=True)
            conn.adapters.register_loader("text", BytesLoader)
            _free.put_nowait(conn)
    return _free


@app.get("/page")
async def page() -> Response:
    """The page: the statement's Features column in a FeatureCollection."""
    free = await free_connections()
    conn = await free.get()
    try:
        cursor = await conn.execute(STATEMENT)  # psycopg prepares it from its sixth run
        row = await cursor.fetchone()
    finally:
        free.put_nowait(conn)
    assert row is not None
    body = b'{"type":"FeatureCollection","features":' + row[4] + b"}"
    return Response(content=body, media_type="application/json")
