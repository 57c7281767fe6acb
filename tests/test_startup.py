"""Start-up (issue 10 goal 7): what building the app and answering /healthz import, and the
workers that `gis-service serve --workers N` forks once the app is built. Speed is printed by
bench/bench_startup.py; these tests only guard what it depends on."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gis_service.main import create_app
from gis_service.settings import PROJECT_ROOT, Settings
from tests.conftest import free_port

# Loaded by the pages, exports, imports and migrations that use them, never to start or to
# answer /healthz: each costs tenths of a second in the supervisor that forks the workers.
HEAVY = {"folium", "branca", "pandas", "geopandas", "pyogrio", "pyarrow", "alembic", "openpyxl",
         "python_calamine", "matplotlib", "PIL", "jinja2", "shapely", "pyproj", "numpy"}  # fmt: skip  # noqa: E501

STARTS_AND_ANSWERS = """
import json, sys
from starlette.testclient import TestClient
import gis_service.cli, gis_service.forked_workers, gis_service.serving
from gis_service.main import create_app
with TestClient(create_app()) as client:
    assert client.get("/healthz").status_code == 200, "healthz"
    # readiness compares the schema with the migrations' head, read without Alembic
    assert client.get("/readyz").json()["status"] == "ready", "readyz"
    print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def server_env(settings: Settings) -> dict[str, str]:
    """The environment of a child process serving the test database."""
    return dict(os.environ) | {
        "DATABASE_URL": str(settings.database_url),
        "PYTHONPATH": str(PROJECT_ROOT),
    }


def test_building_the_app_and_answering_health_checks_imports_nothing_heavy(
    settings: Settings,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", STARTS_AND_ANSWERS],
        env=server_env(settings),
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = set(json.loads(done.stdout.splitlines()[0]))
    assert "fastapi" in loaded  # the probe saw the app's own imports
    assert loaded & HEAVY == set(), "imported at start-up; import it where it is used"


def children(pid: int) -> list[int]:
    """The process ids of a process's children."""
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def wait_until(check: object, seconds: float = 60) -> None:
    """Poll `check()` until it is true."""
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def answers(url: str) -> bool:
    """Whether the URL answers 200 now."""
    try:
        return httpx.get(url, timeout=10).status_code == 200
    except httpx.TransportError:
        return False


@pytest.fixture
def forked_server(settings: Settings) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`gis-service serve --workers 2` on the test database; its process and base URL."""
    port = free_port()
    command = [sys.executable, "-m", "gis_service.cli", "serve", "--port", str(port),
               "--workers", "2"]  # fmt: skip
    server = subprocess.Popen(command, env=server_env(settings), cwd=PROJECT_ROOT,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(f"{base}/healthz"))
        yield server, base
    finally:
        workers = children(server.pid) if server.poll() is None else []
        server.terminate()  # the supervisor stops its workers; if it cannot, they are killed
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            for pid in [*workers, server.pid]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def test_forked_workers_serve_and_a_dead_one_is_replaced(
    forked_server: tuple[subprocess.Popen[bytes], str],
) -> None:
    server, base = forked_server
    workers = children(server.pid)
    assert len(workers) == 2
    assert answers(f"{base}/readyz")
    os.kill(workers[0], signal.SIGKILL)
    wait_until(lambda: len(children(server.pid)) == 2 and workers[0] not in children(server.pid))
    wait_until(lambda: answers(f"{base}/api/parcels?limit=1"))


def test_forked_workers_stop_with_the_supervisor(
    forked_server: tuple[subprocess.Popen[bytes], str],
) -> None:
    server, _ = forked_server
    workers = children(server.pid)
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=30) == 0
    wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), seconds=10)


def test_error_answers_keep_the_error_body_schema_declared_once() -> None:
    """Error responses are declared by description (no pydantic field per route and status,
    built at import); the document still gives every one the ErrorBody schema."""
    document = create_app(Settings(_env_file=None)).openapi()  # type: ignore[call-arg]
    assert set(document["components"]["schemas"]["ErrorBody"]["properties"]) == {
        "error",
        "message",
        "field",
    }
    errors = [
        response
        for item in document["paths"].values()
        for operation in item.values()
        for status, response in operation["responses"].items()
        if status[0] in "45"
    ]
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    assert len(errors) > 100 and all(response["content"] == body for response in errors)
    assert all(response["description"] for response in errors)
