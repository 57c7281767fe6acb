"""People's sign-in data: password hashes, sessions (app_session), failed sign-ins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from gis_service.api.errors import NotFound


def set_password_hash(session: Session, *, name: str, password_hash: str) -> None:
    """Store a user's password hash; NotFound for unknown names."""
    found = session.execute(
        text("UPDATE app_user SET password_hash = :hash WHERE name = :name RETURNING id"),
        {"name": name, "hash": password_hash},
    ).first()
    if found is None:
        raise NotFound(f"no user named {name!r}", field="name")


def find_signin(session: Session, name: str) -> dict[str, Any] | None:
    """A live user's id, name, role and password hash by name, or None."""
    row = (
        session.execute(
            text(
                "SELECT id, name, role, password_hash FROM app_user"
                " WHERE name = :name AND revoked_at IS NULL"
            ),
            {"name": name},
        )
        .mappings()
        .first()
    )
    return None if row is None else dict(row)


def add_session(
    session: Session, *, user_id: int, token_hash: str, csrf_token: str, expires_at: datetime
) -> None:
    """Record a signed-in browser."""
    session.execute(
        text(
            "INSERT INTO app_session (token_hash, user_id, csrf_token, expires_at)"
            " VALUES (:token_hash, :user_id, :csrf_token, :expires_at)"
        ),
        {
            "token_hash": token_hash,
            "user_id": user_id,
            "csrf_token": csrf_token,
            "expires_at": expires_at,
        },
    )


def find_session(session: Session, token_hash: str) -> dict[str, Any] | None:
    """The live session with this token hash: its user's name and role, its CSRF token."""
    row = (
        session.execute(
            text(
                "SELECT u.name, u.role, s.csrf_token FROM app_session s"
                " JOIN app_user u ON u.id = s.user_id"
                " WHERE s.token_hash = :token_hash AND s.expires_at > now()"
                " AND u.revoked_at IS NULL"
            ),
            {"token_hash": token_hash},
        )
        .mappings()
        .first()
    )
    return None if row is None else dict(row)


def delete_session(session: Session, token_hash: str) -> None:
    """Forget a session (sign-out), and every expired one with it."""
    session.execute(
        text("DELETE FROM app_session WHERE token_hash = :token_hash OR expires_at <= now()"),
        {"token_hash": token_hash},
    )


def delete_sessions_of(session: Session, name: str) -> None:
    """Sign a user out everywhere (after a password change)."""
    session.execute(
        text("DELETE FROM app_session WHERE user_id = (SELECT id FROM app_user WHERE name = :n)"),
        {"n": name},
    )


def recent_failures(
    session: Session, *, name: str, address: str, since: datetime
) -> dict[str, list[datetime]]:
    """When sign-ins failed since a moment, for this name and for this address."""
    rows = session.execute(
        text(
            "SELECT name = :name AS by_name, address = :address AS by_address, failed_at"
            " FROM signin_failure WHERE failed_at > :since"
            " AND (name = :name OR address = :address)"
        ),
        {"name": name, "address": address, "since": since},
    ).all()
    return {
        "name": [row.failed_at for row in rows if row.by_name],
        "address": [row.failed_at for row in rows if row.by_address],
    }


def record_failure(session: Session, *, name: str, address: str, before: datetime) -> None:
    """Record a failed sign-in, dropping failures too old to count (before `before`)."""
    session.execute(text("DELETE FROM signin_failure WHERE failed_at <= :t"), {"t": before})
    session.execute(
        text("INSERT INTO signin_failure (name, address) VALUES (:name, :address)"),
        {"name": name, "address": address},
    )


def clear_failures(session: Session, name: str) -> None:
    """Forget a name's failures once it signs in."""
    session.execute(text("DELETE FROM signin_failure WHERE name = :name"), {"name": name})


def database_now(session: Session) -> datetime:
    """The database's clock (failures are stamped by it, so the window is measured by it)."""
    moment: datetime = session.execute(text("SELECT clock_timestamp()")).scalar_one()
    return moment
