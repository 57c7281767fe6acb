"""Test fixtures: a real PostGIS (the project's local cluster, or DATABASE_URL), migrated and
loaded with the sample data once per session; each test runs in a transaction rolled back at
its end."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from playwright.sync_api import Browser
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session

from gis_service import db, pg_local
from gis_service.api import auth
from gis_service.main import create_app
from gis_service.parcels.loader import load_folder
from gis_service.settings import PROJECT_ROOT, Settings
from tests.api_helpers import app_client
from tests.browser import chromium, close_shared_browser

# Timing is for bench/, never for tests: on a loaded 2-core CI machine Hypothesis's own
# too_slow health check and per-example deadline fail tests that are correct.
hypothesis_settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("ci")

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


@dataclass(frozen=True)
class MigratedDatabase:
    """A fresh database, migrated (and loaded): its settings and a committed token per role."""

    settings: Settings
    tokens: dict[str, str]


def migrated_database(
    name: str,
    *,
    sample: Path | None = SAMPLE_DIR,
    loaded_on: date = SAMPLE_LOADED_ON,
    roles: Iterable[str] = (),
    user_name: str = "{role}.user",
) -> MigratedDatabase:
    """A fresh database `name`, migrated, holding a sample folder's data (None: empty), and
    a committed user with a token for each of `roles` (named by the `user_name` template)."""
    settings = Settings(_env_file=None, database_url=fresh_database(name))  # type: ignore[call-arg]
    engine = db.make_engine(settings)
    try:
        db.upgrade(engine, settings)
        with db.transaction(engine) as session:
            if sample is not None:
                load_folder(session, sample, today=loaded_on)
            tokens = {
                role: auth.create_user(session, name=user_name.format(role=role), role=role)[1]
                for role in roles
            }
        db.analyze(engine)
    finally:
        engine.dispose()
    return MigratedDatabase(settings, tokens)


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings of a migrated test database holding the sample data."""
    return migrated_database(TEST_DATABASE).settings


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
    with app_client(settings, session) as test_client:
        yield test_client


@pytest.fixture
def private_client(settings: Settings, session: Session) -> Iterator[TestClient]:
    """Like `client`, of the app with public_read off."""
    with app_client(settings, session, public_read=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def cli_database() -> Iterator[tuple[str, Engine]]:
    """URL and engine of a migrated, empty database for the CLI tests (which commit),
    fresh for each module that uses it."""
    settings = migrated_database("yatou_test_cli", sample=None).settings
    engine = db.make_engine(settings)
    yield str(settings.database_url), engine
    engine.dispose()


@pytest.fixture(scope="module")
def io_database() -> Iterator[tuple[Settings, Engine]]:
    """Settings and engine of a migrated database holding the sample data, for commands (which
    commit), fresh for each module that uses it."""
    settings = migrated_database("yatou_test_io").settings
    engine = db.make_engine(settings)
    yield settings, engine
    engine.dispose()


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


@pytest.fixture
def browser() -> Iterator[Browser]:
    """The session's one headless Chromium; contexts a test opens are closed after it."""
    with chromium() as shared:
        yield shared


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Close the session's Chromium (started by the first browser test, if any ran)."""
    close_shared_browser()
