"""The PATCH fast path (issue 10 goal 5): it takes only plain PATCHes, answers them as the
route does, and passes every refusal on to the route, which answers it as before."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from gis_service.api.auth import current_caller
from gis_service.api.patch_fast_path import PlainPatch, plain_patch
from gis_service.repo import users
from gis_service.settings import Settings
from tests.api_helpers import bearer, counts, feature, tokens

__all__ = ["tokens"]  # the fixture, imported for the tests below

PLAIN: dict[str, str] = {
    "authorization": "Bearer secret",
    "if-match": '"v3"',
    "content-type": "application/merge-patch+json",
    "content-length": "40",
}


def scope(headers: dict[str, str], path: str = "/api/parcels/IB-01", query: bytes = b"") -> Any:
    """An HTTP scope of a PATCH with these headers."""
    return {
        "type": "http",
        "method": "PATCH",
        "path": path,
        "query_string": query,
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
    }


def test_a_plain_patch_is_taken(settings: Settings) -> None:
    assert plain_patch(scope(PLAIN), settings) == PlainPatch("IB-01", "secret", 3)


@pytest.mark.parametrize(
    ("changes", "path", "query"),
    [
        ({"authorization": "Basic c2VjcmV0"}, "/api/parcels/IB-01", b""),  # not a bearer
        ({"authorization": ""}, "/api/parcels/IB-01", b""),  # a cookie's caller, or nobody
        ({"if-match": ""}, "/api/parcels/IB-01", b""),  # 428 is the route's
        ({"if-match": "*"}, "/api/parcels/IB-01", b""),
        ({"if-match": '"v1", "v2"'}, "/api/parcels/IB-01", b""),
        ({"content-type": "text/plain"}, "/api/parcels/IB-01", b""),  # 415 is the route's
        ({"content-length": "10000000000"}, "/api/parcels/IB-01", b""),  # 413 is the route's
        ({"content-length": "x"}, "/api/parcels/IB-01", b""),
        ({}, "/api/parcels/IB-01", b"repair=true"),  # query parameters are the route's
        ({}, "/api/parcels/IB 01", b""),  # not a code
        ({}, "/api/parcels/IB-01/history", b""),
    ],
)
def test_other_forms_are_passed_on(
    settings: Settings, changes: dict[str, str], path: str, query: bytes
) -> None:
    headers = {k: v for k, v in (PLAIN | changes).items() if v}
    assert plain_patch(scope(headers, path, query), settings) is None


def patch(client: TestClient, token: str, note: str, version: int, query: str = "") -> Any:
    """PATCH the note of IB-T1 with If-Match for a version."""
    headers = bearer(token) | {
        "If-Match": f'"v{version}"',
        "Content-Type": "application/merge-patch+json",
    }
    body = json.dumps({"properties": {"note": note}})
    return client.patch(f"/api/parcels/IB-T1{query}", content=body, headers=headers)


def created(client: TestClient, token: str) -> None:
    """The idle building IB-T1, created at version 1."""
    headers = bearer(token) | {"Content-Type": "application/geo+json"}
    response = client.post("/api/parcels", content=json.dumps(feature()), headers=headers)
    assert response.status_code == 201, response.text


def test_the_fast_path_answers_as_the_route(client: TestClient, tokens: dict[str, str]) -> None:
    created(client, tokens["planner"])
    by_route = patch(client, tokens["planner"], "甲", 1, "?repair=false")  # a query: the route
    # The route's caller dependency now fails every request: only the fast path can answer.
    client.app.dependency_overrides[current_caller] = lambda: pytest.fail("the route ran")  # type: ignore[attr-defined]
    fast = patch(client, tokens["planner"], "乙", 2)
    del client.app.dependency_overrides[current_caller]  # type: ignore[attr-defined]
    assert (by_route.status_code, fast.status_code) == (200, 200), fast.text
    assert (by_route.headers["ETag"], fast.headers["ETag"]) == ('"v2"', '"v3"')
    assert sorted(by_route.headers) == sorted(fast.headers)
    route_body, fast_body = by_route.json(), fast.json()
    for body in (route_body, fast_body):
        for varying in ("note", "version", "updated_at"):
            body["properties"].pop(varying)
    assert fast_body == route_body
    assert fast.json()["properties"]["note"] == "乙"
    history = client.get("/api/parcels/IB-T1/history").json()["events"]
    assert [(e["field"], e["old_value"], e["new_value"], e["actor"]) for e in history[:2]] == [
        ("note", "甲", "乙", "planner"),
        ("note", None, "甲", "planner"),
    ]


def test_refusals_are_answered_by_the_route_and_write_nothing(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    created(client, tokens["planner"])
    before = counts(session)
    stale = patch(client, tokens["planner"], "x", 7)
    assert stale.status_code == 412 and stale.json()["current_version"] == 1
    viewer = patch(client, tokens["viewer"], "x", 1)
    assert viewer.status_code == 403 and viewer.json()["error"] == "forbidden"
    unknown = patch(client, "no-such-token", "x", 1)
    assert unknown.status_code == 401 and unknown.headers["WWW-Authenticate"]
    headers = bearer(tokens["planner"]) | {"If-Match": '"v1"'}
    invalid = client.patch(
        "/api/parcels/IB-T1", json={"properties": {"progress": 101}}, headers=headers
    )
    assert invalid.status_code == 422 and invalid.json()["field"] == "progress"
    assert counts(session) == before


def test_a_revoked_token_stops_at_once(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    created(client, tokens["planner"])
    assert patch(client, tokens["planner"], "x", 1).status_code == 200
    users.revoke_user(session, name="planner")
    refused = patch(client, tokens["planner"], "y", 2)
    assert refused.status_code == 401, refused.text
