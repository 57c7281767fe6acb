"""Users and tokens: who am I (any token); list, add, revoke (admin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from gis_service.api import auth
from gis_service.api.auth import AdminDep, WriterDep
from gis_service.api.deps import SessionDep
from gis_service.api.error_responses import error_responses
from gis_service.api.errors import InvalidInput
from gis_service.api.request_body import JsonBodyDep
from gis_service.repo import users
from gis_service.rules.roles import ROLES, permissions

router = APIRouter(prefix="/api/users", tags=["users"])

NamePath = Annotated[str, Path(pattern=r"^[^\x00-\x1f]{1,64}$", description="The user's name.")]
USER_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["name", "role"],
                    "properties": {
                        "name": {"type": "string", "maxLength": 64},
                        "role": {"type": "string", "enum": list(ROLES)},
                    },
                },
                "example": {"name": "zhang.wei", "role": "investment"},
            }
        },
    }
}


@router.get("/me", summary="The token's user, role and permissions", responses=error_responses(401))
def who_am_i(user: WriterDep) -> dict[str, Any]:
    """Name and role of the bearer token, and what the role may do (for the map pages)."""
    return {"name": user.name, "role": user.role, "permissions": permissions(user.role)}


@router.get("", summary="Every user (admin)", responses=error_responses(401, 403))
def list_users(session: SessionDep, _admin: AdminDep) -> dict[str, Any]:
    """All users with their role and whether their token is revoked; never a token."""
    return {"users": [_user_json(row) for row in users.list_users(session)]}


@router.post(
    "",
    status_code=201,
    summary="Add a user and issue its token (admin)",
    responses=error_responses(400, 401, 403, 409, 413, 422),
    openapi_extra=USER_BODY,
)
def add_user(session: SessionDep, _admin: AdminDep, body: JsonBodyDep) -> dict[str, Any]:
    """Add a user; the answer carries the token, which is shown this once only."""
    if not isinstance(body, dict) or set(body) - {"name", "role"}:
        raise InvalidInput('body must be {"name": ..., "role": ...}', field="body")
    name, role = body.get("name"), body.get("role")
    if not isinstance(name, str) or not isinstance(role, str):
        raise InvalidInput("name and role must be texts", field="name")
    row, token = auth.create_user(session, name=name, role=role)
    session.commit()
    return _user_json(row) | {"token": token}


@router.delete(
    "/{name}",
    summary="Revoke a user's token (admin)",
    responses=error_responses(401, 403, 404, 422),
)
def revoke_user(name: NamePath, session: SessionDep, _admin: AdminDep) -> dict[str, Any]:
    """Revoke the user's token at once; the user stays listed, as the actor of its edits."""
    row = users.revoke_user(session, name=name)
    session.commit()
    return _user_json(row)


def _user_json(row: dict[str, Any]) -> dict[str, Any]:
    """A user row as JSON."""
    revoked = row["revoked_at"]
    return {
        "name": row["name"],
        "role": row["role"],
        "created_at": row["created_at"].isoformat(),
        "revoked_at": None if revoked is None else revoked.isoformat(),
    }
