"""WAL positions (PostgreSQL's pg_lsn, e.g. `0/16B3748`) as text and as integers."""

from __future__ import annotations

import re
from typing import Final

_LSN: Final = re.compile(r"([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})")


def parse_position(value: str) -> int | None:
    """The integer of a pg_lsn text (high/low 32-bit halves in hex), or None if malformed."""
    found = _LSN.fullmatch(value.strip())
    if found is None:
        return None
    return (int(found.group(1), 16) << 32) | int(found.group(2), 16)


def format_position(position: int) -> str:
    """The pg_lsn text of an integer position, as PostgreSQL prints it."""
    return f"{position >> 32:X}/{position & 0xFFFFFFFF:X}"
