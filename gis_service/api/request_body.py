"""Request bodies: declared as JSON (415), read with a size limit (413), strict JSON (400)."""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import Depends, Request

from gis_service.api.deps import SettingsDep
from gis_service.api.errors import PayloadTooLarge, ServiceError, UnsupportedMediaType
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


JSON_MEDIA_TYPES: Final = (
    "application/json",
    "application/merge-patch+json",
    "application/geo+json",
)


def json_media_type(request: Request) -> str:
    """The body's media type, when it is one of the JSON types read here (415 otherwise).

    Without this, `text/plain` or no Content-Type at all was parsed as JSON (issue 8), which
    lets a cross-site HTML form post a "simple" request the browser sends without asking.
    """
    header = request.headers.get("content-type") or ""
    media, *parameters = (part.strip().lower() for part in header.split(";"))
    charset = next((p.split("=", 1)[1] for p in parameters if p.startswith("charset=")), None)
    if media not in JSON_MEDIA_TYPES or charset not in (None, "utf-8", '"utf-8"'):
        raise UnsupportedMediaType(
            f"Content-Type must be one of {', '.join(JSON_MEDIA_TYPES)} (UTF-8),"
            f" not {header[:60] or 'missing'}",
            field="Content-Type",
        )
    return media


async def json_body(
    _media: Annotated[str, Depends(json_media_type)], raw: Annotated[bytes, Depends(body_bytes)]
) -> Any:
    """The body as JSON: 400 naming the problem when it is not (NaN and Infinity included)."""
    return parse_json(raw)


def _too_large(limit: int) -> PayloadTooLarge:
    """The 413 error for a limit in bytes."""
    return PayloadTooLarge(f"the body is larger than {limit:,} bytes", field="body", limit=limit)


JsonBodyDep = Annotated[Any, Depends(json_body)]
