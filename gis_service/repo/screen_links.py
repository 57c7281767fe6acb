"""Kiosk links of the leadership screen (table screen_link): add, list, revoke, find by hash."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gis_service.api.errors import Conflict, NotFound

_COLUMNS = "name, created_at, revoked_at"


def add_link(session: Session, *, name: str, key_hash: str) -> dict[str, Any]:
    """Insert a live link; Conflict when a live link of that name exists."""
    statement = text(
        f"INSERT INTO screen_link (name, key_hash) VALUES (:name, :key_hash) RETURNING {_COLUMNS}"
    )
    try:
        with session.begin_nested():
            row = session.execute(statement, {"name": name, "key_hash": key_hash}).mappings().one()
    except IntegrityError:
        raise Conflict(f"a live screen link named {name!r} exists", field="name") from None
    return dict(row)


def list_links(session: Session) -> list[dict[str, Any]]:
    """Every link (revoked ones included), oldest first; never the key hash."""
    statement = text(f"SELECT {_COLUMNS} FROM screen_link ORDER BY created_at, id")
    return [dict(row) for row in session.execute(statement).mappings()]


def revoke_link(session: Session, *, name: str) -> dict[str, Any]:
    """Revoke the live link of a name; NotFound when there is none."""
    statement = text(
        "UPDATE screen_link SET revoked_at = now()"
        f" WHERE name = :name AND revoked_at IS NULL RETURNING {_COLUMNS}"
    )
    row = session.execute(statement, {"name": name}).mappings().first()
    if row is None:
        raise NotFound(f"no live screen link named {name!r}", field="name")
    return dict(row)


def find_live_by_hash(session: Session, key_hash: str) -> dict[str, Any] | None:
    """The live link whose key has this hash, or None (unknown or revoked)."""
    statement = text(
        f"SELECT {_COLUMNS} FROM screen_link WHERE key_hash = :key_hash AND revoked_at IS NULL"
    )
    row = session.execute(statement, {"key_hash": key_hash}).mappings().first()
    return None if row is None else dict(row)
