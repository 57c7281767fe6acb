"""Request bodies read with a size limit (413) and parsed as strict JSON (400)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from gis_service.api.deps import SettingsDep
from gis_service.api.errors import PayloadTooLarge, ServiceError
from gis_service.parcels.parcel_input import parse_json


async def body_bytes(request: Request, settings: SettingsDep) -> bytes:
    """The raw body, refused with 413 above `max_body_bytes` (by Content-Length or as read)."""
    limit = settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise ServiceError("Content-Length must be a whole number", field="Content-Length")
        if int(declared) > limit:
            raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    # Count what actually arrives: a chunked body has no Content-Length, and one may lie.
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def json_body(raw: Annotated[bytes, Depends(body_bytes)]) -> Any:
    """The body as JSON: 400 naming the problem when it is not (NaN and Infinity included)."""
    return parse_json(raw)


def _too_large(limit: int) -> PayloadTooLarge:
    """The 413 error for a limit in bytes."""
    return PayloadTooLarge(f"the body is larger than {limit:,} bytes", field="body", limit=limit)


JsonBodyDep = Annotated[Any, Depends(json_body)]
