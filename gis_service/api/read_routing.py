"""Which database serves a request: the read replica (DATABASE_READ_URL) or the primary.

issue 10 goal 8: reads scale out on PostgreSQL's streaming replication. The first rule that
applies decides:

1. no read replica configured: the primary;
2. a method that may write (POST, PUT, PATCH, DELETE): the primary, for everything it reads;
3. the replica failed to connect within `replica_retry_seconds`: the primary;
4. the client has seen the data at a WAL position the replica has not replayed yet: the
   primary (reads after one's own write, and never a step back to older data);
5. otherwise: the replica.

The client's position is the `gis_read_after` cookie that every answer the primary serves
carries while a replica is configured (`ReadAfterWrite`), or the same value sent back in the
`X-Read-After` header by clients that keep no cookies. The replica's replayed position only
grows, so it is kept here and asked again only when a client is ahead of it: a client that
has not written lately costs no extra query.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

import anyio
import psycopg
from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gis_service import db
from gis_service.api.database_errors import DATABASE_ERRORS
from gis_service.api.errors import InvalidInput
from gis_service.api.wal_positions import format_position, parse_position
from gis_service.repo import replication
from gis_service.settings import Settings

COOKIE: Final = "gis_read_after"
HEADER: Final = "X-Read-After"
READS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class ReadReplica:
    """The read replica's engine, the position it has replayed, and when to try it again."""

    engine: Engine
    sessionmaker: sessionmaker[Session]
    retry_seconds: float
    replayed: int = 0  # the highest replayed position seen; a standby's only grows
    down_until: float = 0.0

    def failed(self) -> None:
        """Note a failure: reads use the primary for the next `retry_seconds`."""
        self.down_until = time.monotonic() + self.retry_seconds

    def resting(self) -> bool:
        """Whether the replica failed so recently that it is not tried."""
        return time.monotonic() < self.down_until


def open_read_replica(settings: Settings) -> ReadReplica | None:
    """The read replica of the settings, or None when DATABASE_READ_URL is unset."""
    if not settings.database_read_url:
        return None
    engine = db.make_read_engine(settings)
    return ReadReplica(engine, db.make_sessionmaker(engine), settings.replica_retry_seconds)


def client_position(request: Request) -> int:
    """The WAL position the client has seen (0: none); 400 for a malformed X-Read-After."""
    header = request.headers.get(HEADER)
    if header is not None:
        position = parse_position(header)
        if position is None:
            raise InvalidInput(f"{HEADER} must be a WAL position such as 0/16B3748", field=HEADER)
        return position
    # The cookie is ours; a malformed one (an old format, a hand edit) is only ignored.
    return parse_position(request.cookies.get(COOKIE, "")) or 0


@contextmanager
def session_for(request: Request) -> Iterator[Session]:
    """The request's session: on the read replica when the rules allow, else the primary."""
    replica: ReadReplica | None = getattr(request.app.state, "read_replica", None)
    session = None if replica is None else _replica_session(replica, request)
    if session is None:
        session = request.app.state.sessionmaker()
        if replica is not None:
            request.state.primary_session = session  # ReadAfterWrite stamps its position
    with session:
        yield session


def _replica_session(replica: ReadReplica, request: Request) -> Session | None:
    """A session on the replica (connected), or None when rules 2-4 send it to the primary."""
    if request.method not in READS or replica.resting():
        return None
    needed = client_position(request)
    session = replica.sessionmaker()
    try:
        if needed > replica.replayed:
            replica.replayed = max(replica.replayed, replication.readable_position(session))
        else:
            session.connection()  # connect now, so that a replica that is down falls back
    except DATABASE_ERRORS:
        session.close()
        replica.failed()
        return None
    if needed > replica.replayed:
        session.close()
        return None
    return session


def replica_report(replica: ReadReplica | None, primary: Session) -> dict[str, Any]:
    """The replica as /readyz shows it: none, down, or its state and lag behind the primary."""
    if replica is None:
        return {"state": "none"}
    try:
        with replica.sessionmaker() as session:
            standby = replication.standby_state(session)
    except DATABASE_ERRORS:
        replica.failed()
        return {"state": "down"}
    return {
        "state": "streaming" if standby.in_recovery else "not_a_standby",
        "replayed": format_position(standby.replayed),
        "lag_bytes": max(0, replication.written_position(primary) - standby.replayed),
        "lag_seconds": round(standby.lag_seconds, 3),
    }


class ReadAfterWrite:
    """ASGI middleware: answers served by the primary carry its WAL position (cookie, header).

    Only while a replica is configured (`session_for` marks those requests). The position is
    read after the handler, so it covers the request's own commit and everything it read.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Stamp the start of a successful answer whose request used the primary."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})

        async def stamped(message: Message) -> None:
            session = state.get("primary_session")
            starts = message["type"] == "http.response.start"
            if starts and session is not None and message["status"] < 400:
                await _stamp(message, session)
            await send(message)

        await self.app(scope, receive, stamped)


async def _stamp(message: Message, session: Session) -> None:
    """Add the primary's current position to a response start (nothing if it cannot say)."""
    try:
        position = await anyio.to_thread.run_sync(replication.written_position, session)
    except (SQLAlchemyError, psycopg.Error):  # e.g. a session the handler left failed
        return
    value = format_position(position)
    headers = MutableHeaders(scope=message)
    headers.append("Set-Cookie", f"{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax")
    headers[HEADER] = value
