"""Read access lives on the routers (issue 8): every route of the app, walked, answers 401
without a token or with a bad one when public_read is off; only the open routes answer."""

from __future__ import annotations

import re

import pytest
from fastapi import routing
from fastapi.testclient import TestClient
from httpx import Response

from tests.api_helpers import bearer, tokens

__all__ = ["tokens"]

# No data behind them: health checks (for load balancers and compose), the API description
# and its viewer, the icon, and the bundled JS/CSS (a sign-in page needs them).
# The sign-in page and sign-out are open by nature (issue 11).
OPEN = {
    "/healthz",
    "/readyz",
    "/favicon.ico",
    "/openapi.json",
    "/docs",
    "/static",
    "/login",
    "/logout",
}
BAD_TOKEN = bearer("not-a-token")


def every_route(client: TestClient) -> list[tuple[str, str]]:
    """(method, concrete path) of every route and mount of the app, parameters filled in."""
    out = []
    for context in routing.iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        path = re.sub(r"\{[^}]+\}", "x", context.path)
        methods = getattr(context.original_route, "methods", None) or {"GET"}
        out += [(method, path) for method in sorted(methods) if method != "HEAD"]
    return out


def refused(answer: Response) -> bool:
    """401 with a challenge, or, for a person's page, 303 to the sign-in page (issue 11)."""
    if answer.status_code == 303:
        return answer.headers["location"].startswith("/login?next=")
    return answer.status_code == 401 and "WWW-Authenticate" in answer.headers


def test_the_walk_finds_every_kind_of_route(private_client: TestClient) -> None:
    routes = every_route(private_client)
    assert ("GET", "/api/kpis") in routes and ("DELETE", "/api/users/x") in routes
    assert ("PATCH", "/ogc/collections/x/items/x") in routes and ("GET", "/static") in routes
    assert len(routes) >= 30


@pytest.mark.parametrize("headers", [{}, BAD_TOKEN], ids=["no token", "bad token"])
def test_every_route_needs_a_token_when_reads_are_closed(
    private_client: TestClient, headers: dict[str, str]
) -> None:
    wrong = {}
    for method, path in every_route(private_client):
        if path.split("/x")[0] in OPEN or path in OPEN:
            continue
        answer = private_client.request(method, path, headers=headers, follow_redirects=False)
        if not refused(answer):
            wrong[f"{method} {path}"] = answer.status_code
    assert wrong == {}


def test_open_routes_answer_without_a_token(private_client: TestClient) -> None:
    for path in ("/healthz", "/readyz", "/favicon.ico", "/openapi.json", "/docs"):
        assert private_client.get(path).status_code == 200, path
    assert private_client.get("/static/js/planner.js").status_code == 200


def test_kpis_need_a_valid_token(private_client: TestClient, tokens: dict[str, str]) -> None:
    assert private_client.get("/api/kpis").status_code == 401
    assert private_client.get("/api/kpis", headers=BAD_TOKEN).status_code == 401
    assert private_client.get("/api/kpis", headers=bearer(tokens["viewer"])).status_code == 200


def test_a_bad_token_is_refused_even_when_reads_are_public(client: TestClient) -> None:
    for path in ("/api/kpis", "/api/parcels", "/map", "/ogc/collections"):
        assert client.get(path).status_code == 200, path
        assert refused(client.get(path, headers=BAD_TOKEN, follow_redirects=False)), path
