"""The edge (issue 8): NUL bytes refused with 400 naming the parameter, on every route; a
database that does not answer gives 503 with Retry-After, and the health checks say so."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import routing
from fastapi.testclient import TestClient

from gis_service.main import create_app
from gis_service.settings import Settings
from tests.api_helpers import bearer, tokens
from tests.conftest import free_port

__all__ = ["tokens"]

ITEM = "/ogc/collections/idle_building/items"


@pytest.mark.parametrize(
    ("method", "url", "field"),
    [
        ("GET", "/parcels/IB-01%00/history", "code"),
        ("GET", "/api/parcels/IB-01%00", "code"),
        *[(m, f"{ITEM}/IB-01%00", "featureId") for m in ("GET", "PUT", "PATCH", "DELETE")],
        ("GET", f"{ITEM}?community=%00", "community"),
        ("GET", "/map?community=a%00b", "community"),
        ("GET", "/api/parcels?community=%00&category=old_compound", "community"),
        ("GET", "/map?%00=1", "query"),
    ],
)
def test_nul_bytes_are_refused_naming_the_parameter(
    client: TestClient, tokens: dict[str, str], method: str, url: str, field: str
) -> None:
    answer = client.request(method, url, headers=bearer(tokens["admin"]) | {"If-Match": '"v1"'})
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["error"] == "invalid_parameter" and body["field"] == field
    assert field in body["message"]


def test_no_route_answers_500_to_a_nul_byte(client: TestClient, tokens: dict[str, str]) -> None:
    headers = bearer(tokens["admin"]) | {"If-Match": '"v1"'}
    wrong = {}
    for context in routing.iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        for method in getattr(context.original_route, "methods", None) or {"GET"}:
            filled = re.sub(r"\{[^}]+\}", "a%00", context.path)
            paths = [filled + "?x=%00"] + ([filled] if filled != context.path else [])
            for path in paths:
                answer = client.request(method, path, headers=headers)
                if answer.status_code != 400:
                    wrong[f"{method} {path}"] = answer.status_code
    assert wrong == {}


@pytest.fixture
def database_down(settings: Settings) -> Iterator[TestClient]:
    """A client of an app whose database URL points at a closed port on 127.0.0.1."""
    url = f"postgresql://nobody@127.0.0.1:{free_port()}/yatou"
    app = create_app(settings.model_copy(update={"database_url": url}))
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize(
    "url", ["/healthz", "/readyz", "/api/parcels", "/api/kpis", "/map", f"{ITEM}?f=json"]
)
def test_a_database_that_is_down_gives_503_with_retry_after(
    database_down: TestClient, url: str
) -> None:
    answer = database_down.get(url)
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "5"
    body = answer.json()
    assert body["error"] == "database_unavailable"
    assert "database is unavailable" in body["message"]


def test_writes_with_a_token_get_503_too(database_down: TestClient) -> None:
    answer = database_down.post("/api/parcels", json={}, headers=bearer("some-token"))
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"


def test_health_checks_report_the_database_when_it_is_up(client: TestClient) -> None:
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["database"] == "up" and health.json()["postgis"]
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


@pytest.mark.parametrize(
    ("method", "url", "allow"),
    [
        ("POST", "/api/parcels/IB-01", "DELETE, GET, PATCH"),
        ("PUT", "/api/parcels", "GET, POST"),
        ("DELETE", f"{ITEM}", "GET, POST"),
        ("POST", f"{ITEM}/IB-01", "DELETE, GET, PATCH, PUT"),
        ("POST", "/map", "GET"),
        ("PUT", "/api/users/me", "GET"),
    ],
)
def test_405_allow_lists_every_method_of_the_path(
    client: TestClient, method: str, url: str, allow: str
) -> None:
    answer = client.request(method, url)
    assert answer.status_code == 405
    assert answer.headers["Allow"] == allow
    assert answer.json()["error"] == "method_not_allowed"
