"""Read replicas (issue 10 goal 8) on a real primary + hot standby pair, no mocks.

The standby is `gis-service db replica start`'s, made from the local test cluster. Replay on
it is paused where a test needs the replica to be behind, so that which server answered is
certain rather than a matter of timing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from gis_service import pg_local
from gis_service.api.deps import SessionDep
from gis_service.api.read_routing import COOKIE, HEADER
from gis_service.api.wal_positions import parse_position
from gis_service.main import create_app
from gis_service.pg_local import replica
from gis_service.settings import PROJECT_ROOT, Settings
from tests.api_helpers import bearer
from tests.conftest import free_port, migrated_database

DATABASE = "yatou_test_replica"
CODE = "IB-01"
POLL_SECONDS = 30


@pytest.fixture(scope="module")
def cluster() -> Iterator[Settings]:
    """Settings of the local test cluster with a standby of its own (folder, free port)."""
    local = Settings(_env_file=None)  # type: ignore[call-arg]
    assert not local.database_url, "the standby is made from the project's local cluster"
    local = local.model_copy(
        update={
            "pg_replica_dir": PROJECT_ROOT / "var" / "pgreplica-test",
            "pg_replica_port": free_port(),
        }
    )
    replica.stop(local)  # what an interrupted run may have left
    yield local
    replica.stop(local)


@pytest.fixture(scope="module")
def pair(cluster: Settings) -> dict[str, Any]:
    """A migrated sample database on the primary, the standby streaming it, a planner token."""
    made = migrated_database(DATABASE, roles=("planner",))
    replica.start(cluster)
    standby = replica.standby_settings(cluster)
    settings = made.settings.model_copy(
        update={"database_read_url": pg_local.url(standby, DATABASE)}
    )
    return {"settings": settings, "token": made.tokens["planner"], "standby": standby}


def _in_recovery(session: SessionDep) -> dict[str, bool]:
    """A debug route of these tests only: whether the request's session is on a standby."""
    return {"standby": bool(session.execute(text("SELECT pg_is_in_recovery()")).scalar())}


@pytest.fixture(scope="module")
def app(pair: dict[str, Any]) -> FastAPI:
    """The service on the pair, with the debug route added."""
    app = create_app(pair["settings"])
    app.get("/test/in-recovery")(_in_recovery)
    return app


def _standby_sql(pair: dict[str, Any], statement: str) -> None:
    """Run a statement on the standby (replay pause and resume are superuser functions)."""
    with psycopg.connect(pg_local.url(pair["standby"], DATABASE).replace("+psycopg", "")) as c:
        c.execute(statement)


@pytest.fixture
def paused(pair: dict[str, Any]) -> Iterator[None]:
    """The standby receives WAL but replays none of it until the test ends."""
    _standby_sql(pair, "SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        _standby_sql(pair, "SELECT pg_wal_replay_resume()")


def _note(client: TestClient, **headers: str) -> tuple[int, str | None]:
    """The parcel's version and note as this client reads them."""
    props = client.get(f"/api/parcels/{CODE}", headers=headers).json()["properties"]
    return props["version"], props["note"]


def _write_note(client: TestClient, pair: dict[str, Any], note: str) -> Any:
    """PATCH the parcel's note with the If-Match of its version on the primary."""
    url = str(pair["settings"].database_url).replace("+psycopg", "")
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT version FROM parcel WHERE code = %s", [CODE]).fetchone()
    assert row is not None
    headers = bearer(pair["token"]) | {"If-Match": f'"v{row[0]}"'}
    answer = client.patch(
        f"/api/parcels/{CODE}", json={"properties": {"note": note}}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    return answer


def _replication_rules(cluster: Settings) -> list[str]:
    """The pg_hba rules of the running cluster that admit replication connections."""
    with psycopg.connect(pg_local.url(cluster, "postgres").replace("+psycopg", "")) as conn:
        rows = conn.execute(
            "SELECT coalesce(address, type) FROM pg_hba_file_rules"
            " WHERE 'replication' = ANY(database)"
        ).fetchall()
    return [str(row[0]) for row in rows]


def test_a_cluster_made_before_replicas_is_allowed_to_stream(cluster: Settings) -> None:
    hba = cluster.pg_data_dir.resolve() / "pg_hba.conf"
    kept = hba.read_text(encoding="utf-8")
    old = "".join(line + "\n" for line in kept.splitlines() if "replication" not in line)
    hba.write_text(old, encoding="utf-8")
    with psycopg.connect(pg_local.url(cluster, "postgres").replace("+psycopg", "")) as conn:
        conn.execute("SELECT pg_reload_conf()")
    assert _replication_rules(cluster) == []
    replica.allow_replication(cluster)
    assert _replication_rules(cluster) == ["local", "127.0.0.1"]


def test_readyz_reports_a_streaming_replica_and_its_lag(app: FastAPI) -> None:
    with TestClient(app) as client:
        ready = client.get("/readyz").json()
    assert ready["status"] == "ready"
    assert ready["replica"]["state"] == "streaming"
    assert ready["replica"]["lag_bytes"] >= 0
    assert parse_position(ready["replica"]["replayed"]) is not None


def test_reads_reach_the_replica_and_writes_the_primary(app: FastAPI) -> None:
    with TestClient(app) as client:
        assert client.get("/test/in-recovery").json() == {"standby": True}
        assert client.get("/healthz").status_code == 200  # health checks read the primary
        assert COOKIE not in client.cookies  # nothing was served by the primary but checks


def test_read_after_own_write_hits_the_primary_while_others_read_the_replica(
    app: FastAPI, pair: dict[str, Any], paused: None
) -> None:
    with TestClient(app) as writer, TestClient(app) as other:
        before = _note(other)
        answer = _write_note(writer, pair, "副本测试 1")
        position = answer.headers[HEADER]
        assert writer.cookies[COOKIE] == position
        assert _note(writer) == (before[0] + 1, "副本测试 1")  # from the primary
        assert writer.get("/test/in-recovery").json() == {"standby": False}
        assert _note(other) == before  # the replica, behind: replay is paused
        assert other.get("/test/in-recovery").json() == {"standby": True}
        # A client without cookies sends the position back in the header instead.
        assert _note(other, **{HEADER: position}) == (before[0] + 1, "副本测试 1")


def test_a_replica_behind_never_answers_304_to_a_newer_etag(
    app: FastAPI, pair: dict[str, Any], paused: None
) -> None:
    with TestClient(app) as writer, TestClient(app) as other:
        _write_note(writer, pair, "副本测试 2")
        newest = writer.get("/api/kpis")
        assert newest.status_code == 200
        # The writer's cookie keeps it on the primary: its tag is current there.
        assert (
            writer.get("/api/kpis", headers={"If-None-Match": newest.headers["ETag"]}).status_code
            == 304
        )
        behind = other.get(f"/api/parcels/{CODE}")
        held = writer.get(f"/api/parcels/{CODE}").headers["ETag"]
        assert behind.headers["ETag"] != held  # the replica's older version has its own tag
        again = other.get(f"/api/parcels/{CODE}", headers={"If-None-Match": held})
        assert again.status_code != 304


def test_another_client_eventually_reads_the_write_from_the_replica(
    app: FastAPI, pair: dict[str, Any]
) -> None:
    with TestClient(app) as writer, TestClient(app) as other:
        _write_note(writer, pair, "副本测试 3")
        expected = _note(writer)
        deadline = time.monotonic() + POLL_SECONDS
        while _note(other) != expected:
            assert time.monotonic() < deadline, "the standby did not replay the write"
            time.sleep(0.05)
        assert other.get("/test/in-recovery").json() == {"standby": True}


def test_a_malformed_read_after_header_is_refused(app: FastAPI) -> None:
    with TestClient(app) as client:
        answer = client.get(f"/api/parcels/{CODE}", headers={HEADER: "yesterday"})
    assert answer.status_code == 422
    assert answer.json()["field"] == HEADER


def test_replica_stopped_reads_fall_back_and_stop_cleans_up(
    app: FastAPI, cluster: Settings, pair: dict[str, Any]
) -> None:
    replica.stop(cluster)
    standby = pair["standby"]
    assert not standby.pg_data_dir.exists() and not pg_local.log_path(standby).exists()
    assert not pg_local.socket_dir(standby).exists()
    with TestClient(app) as client:
        assert client.get("/test/in-recovery").json() == {"standby": False}
        assert _note(client)[0] >= 1
        ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["replica"] == {"state": "down"}
