"""Helpers of the API tests: users with tokens, a free spot for new parcels, row counts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from gis_service import db
from gis_service.api import auth
from gis_service.api.deps import get_session
from gis_service.main import create_app
from gis_service.rules.roles import ROLES
from gis_service.settings import Settings

# A spot inside the service area, north of the town, clear of the sample parcels.
ORIGIN = (122.600, 37.270)


def square(dx: float = 0.0, dy: float = 0.0, size: float = 0.001) -> dict[str, Any]:
    """A small closed square Polygon, offset from ORIGIN by (dx, dy) degrees."""
    x, y = ORIGIN[0] + dx, ORIGIN[1] + dy
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(code: str | None = "IB-T1", **properties: Any) -> dict[str, Any]:
    """A valid idle-building Feature for POST, with some properties replaced or added."""
    props: dict[str, Any] = {
        "code": code,
        "name": "测试楼宇",
        "category": "idle_building",
        "stage": "idle",
        "progress": 0,
        "floor_area_m2": 1000,
        "vacant_area_m2": 800,
    }
    return {"type": "Feature", "properties": props | properties, "geometry": square()}


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}


def app_engine(client: TestClient) -> Engine:
    """The SQLAlchemy engine of a test client's app (its routes' sessions)."""
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return engine


def committed_token(engine: Engine, name: str, role: str = "investment") -> str:
    """A new user's token, committed: for tests whose app reads through connections of its own."""
    with db.transaction(engine) as writing:
        return auth.create_user(writing, name=name, role=role)[1]


def patch_stage(client: TestClient, code: str, stage: str, token: str) -> None:
    """Move a parcel to a stage through the API, as an editor does (If-Match its ETag)."""
    etag = client.get(f"/api/parcels/{code}").headers["ETag"]
    edit = client.patch(
        f"/api/parcels/{code}",
        json={"properties": {"stage": stage}},
        headers=bearer(token) | {"If-Match": etag},
    )
    assert edit.status_code == 200, edit.text


def counts(session: Session) -> tuple[int, ...]:
    """Rows of every table an API write may touch, to show a refused write changed nothing."""
    statement = text(
        "SELECT (SELECT count(*) FROM parcel), (SELECT count(*) FROM parcel_event),"
        " (SELECT count(*) FROM milestone), (SELECT count(*) FROM app_user),"
        " (SELECT coalesce(sum(version), 0) FROM parcel)"
    )
    return tuple(session.execute(statement).one())


@pytest.fixture
def tokens(session: Session) -> dict[str, str]:
    """A token per role (user names are the role names), in the test's rolled-back session."""
    return {role: auth.create_user(session, name=role, role=role)[1] for role in ROLES}


@contextmanager
def app_client(
    settings: Settings, session: Session, *, base_url: str = "http://testserver", **changes: Any
) -> Iterator[TestClient]:
    """A client of an app built with changed settings (the very settings object when none
    change), sharing the test's rolled-back session."""
    app = create_app(settings.model_copy(update=changes) if changes else settings)
    app.dependency_overrides[get_session] = sharing(lambda: session)
    with TestClient(app, base_url=base_url) as client:
        yield client


def sharing(session_of: Callable[[], Session]) -> Callable[[], Iterator[Session]]:
    """A get_session override answering every request from the test's session.

    A request that fails ends its failed transaction, as the app's own session does when it
    closes (a refused write leaves it failed: no savepoint, issue 10 goal 5).
    """

    def shared_session() -> Iterator[Session]:
        session = session_of()
        try:
            yield session
        except Exception:
            if _failed(session):
                session.rollback()
            raise

    return shared_session


def _failed(session: Session) -> bool:
    """Whether the session's database transaction is failed (a refused statement)."""
    status = session.connection().connection.driver_connection.info.transaction_status
    return bool(status == psycopg.pq.TransactionStatus.INERROR)
