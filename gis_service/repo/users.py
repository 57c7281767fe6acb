"""Users of the API (table app_user): add, list, revoke, and find by token hash."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gis_service.api.errors import Conflict, InvalidInput, NotFound
from gis_service.rules.roles import last_admin_refusal

_COLUMNS = "name, role, created_at, revoked_at"
# Built once: every write asks it (issue 10 goal 5).
_BY_TOKEN_HASH = text(
    f"SELECT {_COLUMNS} FROM app_user WHERE token_hash = :token_hash AND revoked_at IS NULL"
)


def add_user(session: Session, *, name: str, role: str, token_hash: str) -> dict[str, Any]:
    """Insert a user with the hash of its token; Conflict when the name is taken."""
    try:
        with session.begin_nested():
            row = (
                session.execute(
                    text(
                        "INSERT INTO app_user (name, role, token_hash)"
                        f" VALUES (:name, :role, :token_hash) RETURNING {_COLUMNS}"
                    ),
                    {"name": name, "role": role, "token_hash": token_hash},
                )
                .mappings()
                .one()
            )
    except IntegrityError as error:
        constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None) or ""
        if constraint == "app_user_name_key":
            raise Conflict(f"a user named {name!r} already exists", field="name") from None
        raise InvalidInput(f"the user breaks rule {constraint or '?'}", field="role") from None
    return dict(row)


def list_users(session: Session) -> list[dict[str, Any]]:
    """Every user (revoked ones included), by name; never the token hash."""
    rows = session.execute(text(f"SELECT {_COLUMNS} FROM app_user ORDER BY name")).mappings()
    return [dict(row) for row in rows]


def revoke_user(session: Session, *, name: str) -> dict[str, Any]:
    """Revoke a user's token (kept revoked when it already was); NotFound for unknown names.

    Conflict when it is the last live admin: nobody could manage users any more (issue 8).
    """
    # Lock every live admin first, so two admins revoking each other at once cannot both win.
    admins = session.execute(
        text("SELECT name FROM app_user WHERE role = 'admin' AND revoked_at IS NULL FOR UPDATE")
    ).scalars()
    refusal = last_admin_refusal(name, live_admins=list(admins))
    if refusal:
        raise Conflict(refusal, field="name")
    row = (
        session.execute(
            text(
                "UPDATE app_user SET revoked_at = coalesce(revoked_at, now())"
                f" WHERE name = :name RETURNING {_COLUMNS}"
            ),
            {"name": name},
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"no user named {name!r}", field="name")
    return dict(row)


def find_by_token_hash(session: Session, token_hash: str) -> dict[str, Any] | None:
    """The live (not revoked) user holding the token with this hash, or None."""
    row = session.execute(_BY_TOKEN_HASH, {"token_hash": token_hash}).mappings().first()
    return None if row is None else dict(row)
