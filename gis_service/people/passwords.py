"""Passwords: argon2id hashes (argon2-cffi's defaults, RFC 9106), checked in constant time."""

from __future__ import annotations

from functools import cache
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH: Final = 8
MAX_LENGTH: Final = 256


@cache
def _hasher() -> PasswordHasher:
    """The one hasher (its parameters are argon2-cffi's recommended ones)."""
    return PasswordHasher()


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"password must have at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"password must have at most {MAX_LENGTH} characters"
    if not password.isprintable():
        return "password must not contain control characters"
    return None


def hash_password(password: str) -> str:
    """The argon2id PHC string stored for a password."""
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether a password matches a stored hash; a missing hash still costs one verification."""
    # Hashing anyway keeps unknown names as slow as known ones (no user enumeration by timing).
    candidate = stored_hash or _dummy_hash()
    try:
        return _hasher().verify(candidate, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    """A hash no password matches in practice, verified against for unknown names."""
    return _hasher().hash("no such user: a constant so timing does not tell")
