"""Overload answered fast (issue 10 goal 6): a bounded queue of requests, 503 with Retry-After.

Each worker runs at most `max_in_flight` requests at once; a request that cannot start within
`queue_timeout` seconds, or cannot get a database connection within `db_pool_timeout`, is
answered 503 with Retry-After at once instead of waiting 30 s for a 500 (the pool timeout is
mapped with the other errors in gis_service.api.error_handlers). Statements still running for a
client that has gone are cancelled by PostgreSQL's statement_timeout, a database error answered
503 by gis_service.api.database_errors.
"""

from __future__ import annotations

import asyncio
from typing import Final

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

RETRY_AFTER_SECONDS: Final = 1
BUSY: Final = {
    "error": "overloaded",
    "message": "the service is busy; retry in a second",
    "field": None,
}


def busy_response() -> JSONResponse:
    """The 503 answer of an overloaded service."""
    return JSONResponse(BUSY, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


class BoundedQueue:
    """ASGI middleware: at most `limit` HTTP requests at once; waiting ones give up with 503."""

    def __init__(self, app: ASGIApp, *, limit: int, wait: float) -> None:
        self.app = app
        self.wait = wait
        self.slots = asyncio.Semaphore(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request once a slot is free, or answer 503 after `wait` seconds."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # A free slot is taken without asyncio.wait_for, which wraps the wait in a task of its
        # own (Python 3.11): 8 us a request under uvloop against 0.5, for nothing to wait for.
        if self.slots.locked():
            try:
                await asyncio.wait_for(self.slots.acquire(), timeout=self.wait)
            except TimeoutError:
                await busy_response()(scope, receive, send)
                return
        else:
            await self.slots.acquire()  # returns at once: a slot is free and no one waits
        try:
            await self.app(scope, receive, send)
        finally:
            self.slots.release()
