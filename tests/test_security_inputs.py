"""Inputs the probe of issue 8 slipped through: repeated JSON keys, bodies not declared as
JSON, names that show nothing, and revoking the last admin. Each is refused, changing nothing."""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from gis_service.api import auth
from tests.api_helpers import bearer, counts, feature, tokens

__all__ = ["tokens"]

GEO = {"Content-Type": "application/geo+json"}


def post_parcel(
    client: TestClient, token: str, content: bytes, headers: dict[str, str]
) -> httpx.Response:
    """POST raw bytes to the parcels collection."""
    return client.post("/api/parcels", content=content, headers=bearer(token) | headers)


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/parcels", '{"type": "Feature", "type": "Feature", "properties": {}}'),
        ("/api/parcels", json.dumps(feature())[:-1] + ', "properties": {"name": "x"}}'),
        ("/ogc/collections/idle_building/items", '{"a": 1, "b": {"c": 1, "c": 2}}'),
        ("/api/users", '{"name": "x", "name": "y", "role": "viewer"}'),
    ],
)
def test_repeated_keys_are_400(
    client: TestClient, session: Session, tokens: dict[str, str], url: str, body: str
) -> None:
    before = counts(session)
    answer = client.post(url, content=body, headers=bearer(tokens["admin"]) | GEO)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == "malformed_json" and "twice" in answer.json()["message"]
    assert counts(session) == before


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin-1"],
)
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", "/api/parcels"),
        ("PATCH", "/api/parcels/IB-01"),
        ("POST", "/api/users"),
        ("POST", "/ogc/collections/idle_building/items"),
        ("PUT", "/ogc/collections/idle_building/items/IB-01"),
        ("PATCH", "/ogc/collections/idle_building/items/IB-01"),
    ],
)
def test_bodies_not_declared_as_json_are_415(
    client: TestClient,
    session: Session,
    tokens: dict[str, str],
    method: str,
    url: str,
    content_type: str | None,
) -> None:
    before = counts(session)
    headers = bearer(tokens["admin"]) | {"If-Match": '"v1"'}
    if content_type:
        headers["Content-Type"] = content_type
    body = json.dumps({"name": "x", "role": "viewer"}).encode()
    answer = client.request(method, url, content=body, headers=headers)
    assert answer.status_code == 415, answer.text
    assert answer.json()["field"] == "Content-Type"
    assert counts(session) == before


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/geo+json", "Application/JSON; charset=UTF-8"],
)
def test_the_json_media_types_are_read(
    client: TestClient, tokens: dict[str, str], content_type: str
) -> None:
    body = json.dumps(feature()).encode()
    answer = post_parcel(client, tokens["planner"], body, {"Content-Type": content_type})
    assert answer.status_code == 201, answer.text


@pytest.mark.parametrize("name", ["\u200b", "\ufeff", "\u200b\u200d\ufeff ", "\u2060"])
def test_names_of_zero_width_characters_are_blank(
    client: TestClient, session: Session, tokens: dict[str, str], name: str
) -> None:
    before = counts(session)
    body = json.dumps(feature(name=name)).encode()
    answer = post_parcel(client, tokens["planner"], body, GEO)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "name"
    user = client.post("/api/users", json={"name": name, "role": "viewer"},
                       headers=bearer(tokens["admin"]))  # fmt: skip
    assert user.status_code == 422 and user.json()["field"] == "name"
    assert counts(session) == before


def test_an_optional_text_of_zero_width_characters_is_cleared(
    client: TestClient, tokens: dict[str, str]
) -> None:
    body = json.dumps(feature(note="\u200b\ufeff")).encode()
    answer = post_parcel(client, tokens["planner"], body, GEO)
    assert answer.status_code == 201, answer.text
    assert answer.json()["properties"]["note"] is None


def only_admin(session: Session) -> str:
    """Revoke every live admin but the test's own (the database may hold others)."""
    session.execute(
        text("UPDATE app_user SET revoked_at = now() WHERE role = 'admin' AND name <> 'admin'")
    )
    return "admin"


def test_the_last_admin_cannot_revoke_itself(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    name = only_admin(session)
    before = counts(session)
    answer = client.delete(f"/api/users/{name}", headers=bearer(tokens["admin"]))
    assert answer.status_code == 409, answer.text
    assert answer.json()["field"] == "name" and "last active admin" in answer.json()["message"]
    assert counts(session) == before
    assert client.get("/api/users", headers=bearer(tokens["admin"])).status_code == 200


def test_an_admin_can_be_revoked_while_another_remains(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    only_admin(session)
    _second, second_token = auth.create_user(session, name="second.admin", role="admin")
    assert client.delete("/api/users/admin", headers=bearer(second_token)).status_code == 200
    last = client.delete("/api/users/second.admin", headers=bearer(second_token))
    assert last.status_code == 409
