"""A short content hash of each file under static/, for cache-busting links (`?v=`)."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.resources import files
from pathlib import PurePosixPath

VERSION_LENGTH = 12


@cache
def static_version(path: str) -> str:
    """The first hex digits of the SHA-256 of a file under static/ ("" when there is none)."""
    target = files("gis_service").joinpath("static", *PurePosixPath(path).parts)
    if not target.is_file():
        return ""
    return hashlib.sha256(target.read_bytes()).hexdigest()[:VERSION_LENGTH]
