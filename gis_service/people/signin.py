"""Signing people in and out: password check, throttle, session token and CSRF token.

The browser keeps a random session token in an HttpOnly, SameSite=Strict cookie (Secure over
https); only its SHA-256 digest is stored. Each session has a CSRF token, given to pages in
`<meta name="csrf-token">`; cookie-authenticated writes must send it back in X-CSRF-Token.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final
from urllib.parse import quote

from sqlalchemy.orm import Session

from gis_service.api.errors import InvalidInput, TooManyRequests, Unauthorized
from gis_service.people.passwords import hash_password, password_problem, verify_password
from gis_service.people.throttle import retry_after
from gis_service.people.tokens import hash_token, new_token
from gis_service.repo import people
from gis_service.settings import Settings

COOKIE: Final = "yatou_session"
CSRF_HEADER: Final = "X-CSRF-Token"
WRONG: Final = "名称或密码不正确"


def login_url(next_url: str) -> str:
    """The sign-in page's address, coming back to `next_url` (a path of this site) after."""
    return "/login?next=" + quote(next_url, safe="/")


@dataclass(frozen=True)
class SignedIn:
    """A person's session: who, in which role, the cookie's token and the CSRF token."""

    name: str
    role: str
    token: str
    csrf_token: str


def sign_in(
    session: Session, *, name: str, password: str, address: str, settings: Settings
) -> SignedIn:
    """Check a name and password, throttled per name and per address; open a session.

    Raises TooManyRequests (429) while throttled, Unauthorized (401) for a wrong pair. The
    caller commits in both the success and the 401 case (the failure must be remembered).
    """
    window = timedelta(minutes=settings.signin_window_minutes)
    now = people.database_now(session)
    _refuse_if_throttled(session, name, address, now=now, window=window, settings=settings)
    user = people.find_signin(session, name)
    if user is None or not verify_password(user["password_hash"], password):
        people.record_failure(session, name=name, address=address, before=now - window)
        raise Unauthorized(WRONG, field="password")
    people.clear_failures(session, name)
    (token, token_hash), csrf = new_token(), secrets.token_urlsafe(32)
    people.add_session(
        session,
        user_id=user["id"],
        token_hash=token_hash,
        csrf_token=csrf,
        expires_at=now + timedelta(hours=settings.session_hours),
    )
    return SignedIn(name=user["name"], role=user["role"], token=token, csrf_token=csrf)


def _refuse_if_throttled(
    session: Session,
    name: str,
    address: str,
    *,
    now: datetime,
    window: timedelta,
    settings: Settings,
) -> None:
    """Raise TooManyRequests when the name or the address failed too often lately."""
    failures = people.recent_failures(session, name=name, address=address, since=now - window)
    limit = settings.signin_max_failures
    waits = [retry_after(times, now=now, limit=limit, window=window) for times in failures.values()]
    wait = max((w for w in waits if w is not None), default=None)
    if wait is not None:
        raise TooManyRequests(
            f"登录失败次数过多，请 {wait} 秒后再试", retry_after=wait, field="password"
        )


def session_of(session: Session, token: str | None) -> SignedIn | None:
    """The live session of a cookie's token, or None (unknown, expired, revoked user)."""
    if not token:
        return None
    row = people.find_session(session, hash_token(token))
    if row is None:
        return None
    return SignedIn(name=row["name"], role=row["role"], token=token, csrf_token=row["csrf_token"])


def sign_out(session: Session, token: str | None) -> None:
    """End the session of a cookie's token (nothing happens for an unknown one)."""
    if token:
        people.delete_session(session, hash_token(token))


def set_password(session: Session, *, name: str, password: str) -> None:
    """Give a user a new password (422 when too weak) and end their open sessions."""
    problem = password_problem(password)
    if problem is not None:
        raise InvalidInput(problem, field="password")
    people.set_password_hash(session, name=name, password_hash=hash_password(password))
    people.delete_sessions_of(session, name)
