"""Tokens and roles: the role × operation matrix, bad tokens, public reads, /api/users."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from gis_service.api import auth
from tests.api_helpers import bearer, counts, feature, square, tokens

__all__ = ["tokens"]  # the fixture, imported for the tests below

URL = "/api/parcels"
WHO = ("none", "viewer", "investment", "planner", "admin")


def _headers(tokens: dict[str, str], who: str, version: int | None = None) -> dict[str, str]:
    """Authorization for a role (none: no header), with If-Match for a version."""
    headers = {} if who == "none" else bearer(tokens[who])
    return headers | ({} if version is None else {"If-Match": f'"v{version}"'})


@pytest.fixture
def parcels(client: TestClient, tokens: dict[str, str]) -> None:
    """An idle building IB-T1 and a key project KP-T1, created by a planner."""
    project = feature(
        "KP-T1", category="key_project", stage="preparing", floor_area_m2=None, vacant_area_m2=None
    ) | {"geometry": square(dx=0.01)}
    for body in (feature("IB-T1"), project):
        response = client.post(URL, json=body, headers=bearer(tokens["planner"]))
        assert response.status_code == 201, response.text


Operation = Callable[[TestClient, dict[str, str], str], Any]


def read(client: TestClient, tokens: dict[str, str], who: str) -> Any:
    return client.get(f"{URL}/IB-T1", headers=_headers(tokens, who))


def create(client: TestClient, tokens: dict[str, str], who: str) -> Any:
    body = feature("IB-T9") | {"geometry": square(dy=0.01)}
    return client.post(URL, json=body, headers=_headers(tokens, who))


def patch_allowed_field(client: TestClient, tokens: dict[str, str], who: str) -> Any:
    body = {"properties": {"stage": "negotiating", "vacant_area_m2": 700, "contact": "张某"}}
    return client.patch(f"{URL}/IB-T1", json=body, headers=_headers(tokens, who, 1))


def patch_forbidden_field(client: TestClient, tokens: dict[str, str], who: str) -> Any:
    body = {"properties": {"name": "改名楼宇"}}
    return client.patch(f"{URL}/IB-T1", json=body, headers=_headers(tokens, who, 1))


def patch_other_category(client: TestClient, tokens: dict[str, str], who: str) -> Any:
    body = {"properties": {"note": "进度正常"}}
    return client.patch(f"{URL}/KP-T1", json=body, headers=_headers(tokens, who, 1))


def delete(client: TestClient, tokens: dict[str, str], who: str) -> Any:
    return client.delete(f"{URL}/IB-T1", headers=_headers(tokens, who, 1))


def manage_users(client: TestClient, tokens: dict[str, str], who: str) -> Any:
    body = {"name": "new.user", "role": "viewer"}
    return client.post("/api/users", json=body, headers=_headers(tokens, who))


def list_users(client: TestClient, tokens: dict[str, str], who: str) -> Any:
    return client.get("/api/users", headers=_headers(tokens, who))


# Expected status per operation, for (none, viewer, investment, planner, admin).
MATRIX: dict[str, tuple[Operation, tuple[int, ...]]] = {
    "read": (read, (200, 200, 200, 200, 200)),
    "create": (create, (401, 403, 403, 201, 201)),
    "patch idle building, allowed field": (patch_allowed_field, (401, 403, 200, 200, 200)),
    "patch idle building, forbidden field": (patch_forbidden_field, (401, 403, 403, 200, 200)),
    "patch other category": (patch_other_category, (401, 403, 403, 200, 200)),
    "delete": (delete, (401, 403, 403, 403, 200)),
    "add user": (manage_users, (401, 403, 403, 403, 201)),
    "list users": (list_users, (401, 403, 403, 403, 200)),
}
CELLS = [(name, who, statuses[i]) for name, (_, statuses) in MATRIX.items()
         for i, who in enumerate(WHO)]  # fmt: skip


@pytest.mark.usefixtures("parcels")
@pytest.mark.parametrize(
    ("operation", "who", "status"), CELLS, ids=[f"{c[0]}-{c[1]}" for c in CELLS]
)
def test_role_operation_matrix(
    client: TestClient,
    session: Session,
    tokens: dict[str, str],
    operation: str,
    who: str,
    status: int,
) -> None:
    before = counts(session)
    response = MATRIX[operation][0](client, tokens, who)
    assert response.status_code == status, response.text
    if status >= 400:
        assert counts(session) == before
        assert response.json()["error"] in ("unauthorized", "forbidden")
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.usefixtures("parcels")
@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-token", "Bearer ", "Basic dXNlcjpwYXNz", "token-without-scheme"],
)
def test_bad_tokens_get_401_on_writes(client: TestClient, authorization: str) -> None:
    headers = {"Authorization": authorization, "If-Match": '"v1"'}
    response = client.patch(f"{URL}/IB-T1", json={"properties": {"progress": 1}}, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["field"] == "Authorization"


@pytest.mark.usefixtures("parcels")
def test_a_revoked_token_stops_working_at_once(client: TestClient, tokens: dict[str, str]) -> None:
    assert patch_allowed_field(client, tokens, "planner").status_code == 200
    revoked = client.delete("/api/users/planner", headers=bearer(tokens["admin"]))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    body = {"properties": {"progress": 3}}
    headers = _headers(tokens, "planner", 2)
    assert client.patch(f"{URL}/IB-T1", json=body, headers=headers).status_code == 401
    assert client.get("/api/users/me", headers=bearer(tokens["planner"])).status_code == 401


def test_a_bad_token_on_a_public_read_is_still_401(client: TestClient) -> None:
    response = client.get(URL, headers={"Authorization": "Bearer nope"}, params={"limit": 1})
    assert response.status_code == 401


@pytest.mark.parametrize(
    "path", ["/api/parcels", "/api/parcels/IB-01", "/api/parcels/IB-01/history"]
)
def test_reads_need_a_token_when_public_read_is_off(
    private_client: TestClient, tokens: dict[str, str], path: str
) -> None:
    response = private_client.get(path, params={"limit": 1} if path == URL else {})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    for role in ("viewer", "investment", "planner", "admin"):
        assert private_client.get(path, headers=bearer(tokens[role])).status_code == 200


def test_who_am_i_lists_the_role_and_its_permissions(
    client: TestClient, tokens: dict[str, str]
) -> None:
    response = client.get("/api/users/me", headers=bearer(tokens["investment"]))
    assert response.json() == {
        "name": "investment",
        "role": "investment",
        "permissions": {"read": True, "create": False, "edit": True, "delete": False,
                        "manage_users": False},
    }  # fmt: skip
    assert client.get("/api/users/me").status_code == 401


def test_admin_adds_lists_and_revokes_users(
    client: TestClient, session: Session, tokens: dict[str, str]
) -> None:
    admin = bearer(tokens["admin"])
    added = client.post("/api/users", json={"name": "li.na", "role": "investment"}, headers=admin)
    assert added.status_code == 201
    token = added.json()["token"]
    assert auth.user_of_token(session, token) == auth.User("li.na", "investment")
    listed = client.get("/api/users", headers=admin).json()["users"]
    assert {"name": "li.na", "role": "investment"}.items() <= listed[
        [u["name"] for u in listed].index("li.na")
    ].items()
    assert all("token" not in u and "token_hash" not in u for u in listed)
    assert client.get("/api/users/me", headers=bearer(token)).json()["name"] == "li.na"
    assert client.delete("/api/users/li.na", headers=admin).status_code == 200
    assert auth.user_of_token(session, token) is None


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"name": "viewer", "role": "viewer"}, 409, "name"),
        ({"name": "x", "role": "king"}, 422, "role"),
        ({"name": "", "role": "viewer"}, 422, "name"),
        ({"name": "a\u0000b", "role": "viewer"}, 422, "name"),
        ({"name": "x", "role": "viewer", "token": "mine"}, 422, "body"),
        ({"name": 5, "role": "viewer"}, 422, "name"),
        (["x"], 422, "body"),
    ],
)
def test_bad_user_bodies(
    client: TestClient,
    session: Session,
    tokens: dict[str, str],
    body: Any,
    status: int,
    field: str,
) -> None:
    before = counts(session)
    response = client.post("/api/users", json=body, headers=bearer(tokens["admin"]))
    assert response.status_code == status, response.text
    assert response.json()["field"] == field
    assert counts(session) == before


def test_revoking_an_unknown_user_is_404(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.delete("/api/users/nobody", headers=bearer(tokens["admin"]))
    assert response.status_code == 404 and response.json()["field"] == "name"


def test_tokens_are_stored_hashed(session: Session) -> None:
    from sqlalchemy import text

    _, token = auth.create_user(session, name="h", role="viewer")
    stored = session.execute(text("SELECT token_hash FROM app_user WHERE name = 'h'")).scalar()
    assert stored == auth.hash_token(token) and token not in str(stored) and len(stored) == 64
