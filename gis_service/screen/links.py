"""Kiosk links: a read-only key that opens /screen and its data, and nothing else.

A wall screen in the meeting room has nobody to sign in. When `public_read` is off, an admin
creates a link (`gis-service screen-link create --name 会议室`); the URL carries a long random
key (`secrets.token_urlsafe(32)`, 256 bits), of which only the SHA-256 digest is stored. The
key is accepted by the screen's page and its JSON (`/screen`, `/api/screen`) only; every
other read still needs a token (gis_service.auth).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Query
from sqlalchemy.orm import Session

from gis_service.api.auth import CallerDep, User, current_reader, hash_token
from gis_service.api.deps import SessionDep, SettingsDep
from gis_service.api.errors import InvalidInput, Unauthorized
from gis_service.people.tokens import new_token
from gis_service.repo import screen_links


def create_link(session: Session, *, name: str) -> tuple[dict[str, Any], str]:
    """Store a new link under a name; returns (the stored link, its key, shown only now)."""
    if not name.strip() or len(name) > 64 or not name.isprintable():
        raise InvalidInput("name must be 1–64 printable characters", field="name")
    key, digest = new_token()
    return screen_links.add_link(session, name=name, key_hash=digest), key


def link_url(base_url: str, key: str) -> str:
    """The address a kiosk opens: the screen page with its key."""
    return f"{base_url.rstrip('/')}/screen?key={quote(key, safe='')}"


def key_is_live(session: Session, key: str) -> bool:
    """Whether a key belongs to a live (not revoked) link."""
    return screen_links.find_live_by_hash(session, hash_token(key)) is not None


KeyQuery = Annotated[
    str | None,
    Query(
        description="Kiosk key of a screen link (`gis-service screen-link create`); "
        "needed only when reads are not public.",
        max_length=200,
    ),
]


def screen_reader(
    session: SessionDep, settings: SettingsDep, caller: CallerDep, key: KeyQuery = None
) -> User | None:
    """The caller of a screen read: as any read, or the holder of a live kiosk key."""
    if key is not None:
        # A wrong key is refused even when reads are public: a kiosk must learn its link died.
        if not key_is_live(session, key):
            raise Unauthorized("the screen link is unknown or revoked", field="key")
        return None
    return current_reader(settings, caller)


ScreenReaderDep = Annotated[User | None, Depends(screen_reader)]
