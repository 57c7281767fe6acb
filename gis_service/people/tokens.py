"""Bearer secrets: API tokens, sign-in session tokens and kiosk keys, stored only as digests."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """A fresh secret (`secrets.token_urlsafe(32)`, 256 bits) and the digest stored for it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored (looked up by equality)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_secret(sent: str, expected: str) -> bool:
    """Whether a sent secret (a CSRF token) equals the expected one, in constant time."""
    return secrets.compare_digest(sent.encode(), expected.encode())
