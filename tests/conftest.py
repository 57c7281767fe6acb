"""Test fixtures: a real PostGIS (the project's local cluster, or DATABASE_URL), migrated and
loaded with the sample data once per session; each test runs in a transaction rolled back at
its end."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from gis_service import db, pg_local
from gis_service.deps import get_session
from gis_service.loader import load_folder
from gis_service.main import create_app
from gis_service.settings import PROJECT_ROOT, Settings

TEST_DATABASE = "yatou_test"
SAMPLE_DIR = PROJECT_ROOT / "data" / "geo"
SAMPLE_LOADED_ON = date(2022, 1, 1)


def fresh_database(name: str) -> str:
    """URL of an empty PostGIS database: in DATABASE_URL's server, or the local cluster."""
    outside = Settings(_env_file=None)  # type: ignore[call-arg]
    if outside.database_url:
        return outside.database_url
    pg_local.start(outside)
    return pg_local.drop_and_create_database(outside, name)


def sample_database(name: str, **overrides: Any) -> Settings:
    """Settings (with overrides) of a fresh, migrated database holding the sample data."""
    test_settings = Settings(_env_file=None, database_url=fresh_database(name), **overrides)  # type: ignore[call-arg]
    engine = db.make_engine(test_settings)
    db.upgrade(engine, test_settings)
    with db.transaction(engine) as session:
        load_folder(session, SAMPLE_DIR, today=SAMPLE_LOADED_ON)
    db.analyze(engine)
    engine.dispose()
    return test_settings


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings of a migrated test database holding the sample data."""
    return sample_database(TEST_DATABASE)


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    """Engine of the test database."""
    engine = create_engine(str(settings.database_url), future=True)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose every change is rolled back when the test ends (commits included)."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def client(settings: Settings, session: Session) -> Iterator[TestClient]:
    """An HTTP client of the app whose requests share the test's rolled-back session."""
    app = create_app(settings)
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app) as test_client:
        yield test_client


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_server(settings: Settings, port: int | None = None) -> Iterator[str]:
    """A real uvicorn server of the app on 127.0.0.1 (a free port by default), in a thread."""
    port = port or free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session")
def live_server(settings: Settings) -> Iterator[str]:
    """Base URL of a real server on the committed test database.

    Tests that use it must not write through it (nothing rolls that back).
    """
    with running_server(settings) as url:
        yield url
