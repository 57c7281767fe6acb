"""A versioned tile's miss on the fast path's own connections (api/tile_pool.py, issue 10 goal
3): one statement from the event loop, the very bytes the routes' session builds, and every
rule of the session path kept (an old version, a date before the last change, an edit, a
database that is down). These apps share no test session: the pool reads committed data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from gis_service import db
from gis_service.main import create_app
from gis_service.repo.parcel_tiles import data_version
from gis_service.settings import Settings
from tests.api_helpers import app_engine, committed_token, patch_stage
from tests.conftest import free_port
from tests.test_tile_versions import IMMUTABLE, TOWN, stage_in
from tests.test_write_statements import statements_sent


@pytest.fixture
def pooled(settings: Settings) -> Iterator[TestClient]:
    """A client of the app on the sample database, with no session override."""
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.mark.parametrize("query", ["", "&category=idle_building", "&as_of=2099-01-01"])
def test_a_miss_is_one_statement_on_the_pool_with_the_routes_bytes(
    pooled: TestClient, session: Session, query: str
) -> None:
    url = f"{TOWN}?v={data_version(session)}{query}"
    with statements_sent(app_engine(pooled)) as sent:
        built = pooled.get(url)
    assert sent == []  # not through the app's sessions
    assert pooled.app.state.tile_pool is not None  # type: ignore[attr-defined]
    assert built.status_code == 200 and built.headers["Cache-Control"] == IMMUTABLE
    by_route = pooled.get(f"{TOWN}?{query.lstrip('&')}")
    assert by_route.headers["Cache-Control"] == "no-cache"  # the route's session built it
    assert built.content == by_route.content and len(built.content) > 0


def test_a_date_before_the_last_change_is_folded_by_the_session(
    pooled: TestClient, session: Session
) -> None:
    url = f"{TOWN}?as_of=2021-06-30&v={data_version(session)}"
    with statements_sent(app_engine(pooled)) as sent:
        folded = pooled.get(url)
    assert any("parcel_as_of" in statement for statement in sent)
    assert folded.headers["Cache-Control"] == IMMUTABLE
    assert folded.content == pooled.get(f"{TOWN}?as_of=2021-06-30").content


def test_an_old_version_and_a_database_that_is_down_go_to_the_routes(
    pooled: TestClient, session: Session, settings: Settings
) -> None:
    old = pooled.get(f"{TOWN}?v={data_version(session) - 1}")
    assert old.status_code == 200 and old.headers["Cache-Control"] == "no-cache"
    down = settings.model_copy(
        update={"database_url": f"postgresql://nobody@127.0.0.1:{free_port()}/yatou"}
    )
    with TestClient(create_app(down)) as client:
        answer = client.get(f"{TOWN}?v=7")
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert answer.json()["error"] == "database_unavailable"


def test_the_tile_connections_come_out_of_the_overflow(settings: Settings) -> None:
    wide = settings.model_copy(update={"db_max_overflow": 10})
    assert db.tile_connections(wide) == db.MOST_TILE_CONNECTIONS == 4
    assert db.tile_connections(settings.model_copy(update={"db_max_overflow": 2})) == 2
    engine = db.make_engine(wide, serving=True)
    assert engine.pool._max_overflow == 10 - 4  # type: ignore[attr-defined]
    assert db.make_engine(wide).pool._max_overflow == 10  # type: ignore[attr-defined]
    # With a read replica the sessions build the tiles (its routing rules), so no pool.
    replicated = wide.model_copy(update={"database_read_url": str(settings.database_url)})
    assert db.tile_connections(replicated) == 0
    assert db.make_engine(replicated, serving=True).pool._max_overflow == 10  # type: ignore[attr-defined]


def test_after_an_edit_the_new_version_shows_it_and_the_old_one_is_revalidated(
    io_database: tuple[Settings, Engine],
) -> None:
    settings, engine = io_database
    token = committed_token(engine, "pool-editor")
    with TestClient(create_app(settings)) as client, db.transaction(engine) as reading:
        before = data_version(reading)
        shown = client.get(f"{TOWN}?v={before}")
        assert shown.headers["Cache-Control"] == IMMUTABLE and stage_in(shown.content) != "signed"
        patch_stage(client, "IB-01", "signed", token)
        after = data_version(reading)
        assert after > before
        fresh = client.get(f"{TOWN}?v={after}")
        assert fresh.headers["Cache-Control"] == IMMUTABLE and stage_in(fresh.content) == "signed"
        parent = f"/api/tiles/11/1720/796.mvt?v={before}"  # not built at the old version
        stale = client.get(parent)
        assert stale.headers["Cache-Control"] == "no-cache" and stage_in(stale.content) == "signed"


def test_shutdown_closes_the_tile_connections(settings: Settings, session: Session) -> None:
    with TestClient(create_app(settings)) as client:
        assert client.get(f"{TOWN}?v={data_version(session)}").status_code == 200
        pool = client.app.state.tile_pool  # type: ignore[attr-defined]
        idle = list(pool._idle)
        assert idle and not any(conn.closed for conn in idle)
    assert all(conn.closed for conn in idle)  # the lifespan's end closed them
