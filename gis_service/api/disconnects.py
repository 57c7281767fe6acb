"""Work for a client that has gone is cancelled (issue 10 goal 6).

Reads run in worker threads; when their client disconnects (it gave up, or a burst of clients
timed out) the statement used to run on until PostgreSQL's statement_timeout, holding a
connection and a core for nobody. `CancelOnDisconnect` listens for the client going away while
a GET or HEAD is served and has PostgreSQL cancel the statements the request's session is
running (psycopg's cancel request, as psql's Ctrl-C). A connection that got a cancel is
invalidated, not pooled, so the cancel can never land on the next request's statement.

Writes are not watched: a write whose client went still commits or fails as a whole.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Any, Final

from sqlalchemy import Connection, event
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Where a watched request keeps its statements: scope["state"] (request.state) and the
# session's info.
STATE_KEY: Final = "db_statements"
WATCHED_METHODS: Final = frozenset({"GET", "HEAD"})
CANCEL_TIMEOUT_SECONDS: Final = 2.0


class RequestStatements:
    """The database connections one request's session uses, to cancel if its client goes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connections: list[Connection] = []
        self.gone = False
        self.cancelled = False

    def track(self, connection: Connection) -> None:
        """A transaction began on this connection (cancelled at once if the client is gone)."""
        with self._lock:
            self._connections.append(connection)
            gone = self.gone
        if gone:
            self.client_gone()

    def client_gone(self) -> None:
        """Cancel what runs now, from a thread of its own (a cancel request blocks briefly)."""
        threading.Thread(target=self._cancel, name="cancel-for-gone-client", daemon=True).start()

    def release(self) -> None:
        """The session ends: connections that got a cancel are closed instead of pooled."""
        with self._lock:
            connections, self._connections = self._connections, []
            cancelled = self.cancelled
        if cancelled:
            for connection in connections:
                # One the session has closed went back to the pool before the cancel (the
                # cancel skips closed connections); the others are dropped.
                if not (connection.closed or connection.invalidated):
                    connection.invalidate()

    def _cancel(self) -> None:
        """Send PostgreSQL a cancel for each connection still in use by the request."""
        with self._lock:
            self.gone = True
            for connection in self._connections:
                if connection.closed or connection.invalidated:
                    continue
                driver = connection.connection.driver_connection
                with contextlib.suppress(Exception):  # a cancel that fails leaves the timeout
                    driver.cancel_safe(timeout=CANCEL_TIMEOUT_SECONDS)  # type: ignore[union-attr]
                    self.cancelled = True


def install(sessions: sessionmaker[Session]) -> None:
    """Have the sessions report the connections their transactions begin on."""
    event.listen(sessions, "after_begin", _track)


def watch(session: Session, state: Any) -> RequestStatements | None:
    """Tie a request's session to its statements (None when the request is not watched)."""
    statements: RequestStatements | None = getattr(state, STATE_KEY, None)
    if statements is not None:
        session.info[STATE_KEY] = statements
        if session.in_transaction():  # read routing connects a replica's session first
            statements.track(session.connection())
    return statements


def _track(session: Session, transaction: Any, connection: Connection) -> None:
    """after_begin: the session of a watched request began a transaction on a connection."""
    statements: RequestStatements | None = session.info.get(STATE_KEY)
    if statements is not None:
        statements.track(connection)


class CancelOnDisconnect:
    """ASGI middleware: while a GET or HEAD is served, cancel its statements if the client goes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request with a listener for the client's disconnect beside it."""
        if scope["type"] != "http" or scope["method"] not in WATCHED_METHODS:
            await self.app(scope, receive, send)
            return
        statements = RequestStatements()
        scope.setdefault("state", {})[STATE_KEY] = statements
        # The listener reads the (empty) request first and hands that message to the app when
        # it asks, so the two never wait on `receive` for the same message.
        pending: list[Message] = []
        first_read = asyncio.Event()
        # Once the whole answer is sent, servers report "disconnect" to any later receive.
        answered = False

        async def listen() -> None:
            message = await receive()
            pending.append(message)
            first_read.set()
            if message["type"] == "http.request" and not message.get("more_body", False):
                message = await receive()
            if message["type"] == "http.disconnect" and not answered:
                statements.client_gone()

        async def app_send(message: Message) -> None:
            nonlocal answered
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                answered = True
            await send(message)

        async def app_receive() -> Message:
            await first_read.wait()
            if pending:
                return pending.pop()
            return await receive()

        listener = asyncio.ensure_future(listen())
        try:
            await self.app(scope, app_receive, app_send)
        finally:
            listener.cancel()
