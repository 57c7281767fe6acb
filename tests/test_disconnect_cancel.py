"""A read whose client has gone is cancelled in PostgreSQL, on a real server (issue 10 goal 6)."""

from __future__ import annotations

import socket
import time
import urllib.parse
from collections.abc import Callable

import pytest
from conftest import running_server
from sqlalchemy import Engine, text

from gis_service.settings import Settings

# Backends running a statement that waits for the lock this test holds (the page read; its
# text is too long for pg_stat_activity to show the table it reads).
WAITING_READS = text(
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    " AND state = 'active' AND wait_event_type = 'Lock'"
)


def until(condition: Callable[[], bool], seconds: float = 20) -> bool:
    """Poll a condition until it holds or the time is up; whether it held."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.parametrize(
    "path",
    [
        "/api/parcels?limit=1",  # the page fast path's statement (api/page_fast_path.py)
        "/ogc/collections/old_compound/items?limit=1",
        "/api/parcels?limit=1&q=IB",  # the route's session
    ],
)
def test_the_statement_of_a_client_that_went_is_cancelled(
    settings: Settings, engine: Engine, path: str
) -> None:
    with running_server(settings) as base, engine.connect() as locker, engine.connect() as watch:
        # The read waits behind this lock for as long as the test holds it.
        locker.execute(text("LOCK TABLE parcel IN ACCESS EXCLUSIVE MODE"))

        def waiting() -> int:
            # Each look in a transaction of its own: pg_stat_activity is a snapshot per one.
            with watch.begin():
                return int(watch.execute(WAITING_READS).scalar_one())

        url = urllib.parse.urlsplit(base)
        client = socket.create_connection((url.hostname, url.port))
        client.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        try:
            assert until(lambda: waiting() == 1)
        finally:
            client.close()  # the client gives up
        # Gone while the lock is still held: cancelled, not left to the statement timeout.
        assert until(lambda: waiting() == 0)
        locker.rollback()
    assert settings.db_statement_timeout_ms > 20_000  # so only a cancel explains the end
