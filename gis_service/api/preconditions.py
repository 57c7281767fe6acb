"""ETags and If-Match (RFC 9110 section 13): optimistic locking of parcels by their version."""

from __future__ import annotations

import re
from typing import Annotated, Final

from fastapi import Depends, Header

from gis_service.api.errors import PreconditionRequired, ServiceError

_TAG: Final = re.compile(r'"v([0-9]{1,9})"')


def etag(version: int) -> str:
    """The strong ETag of a parcel at a version, e.g. `"v3"` (quotes included)."""
    return f'"v{version}"'


def version_of(if_match: str | None) -> int:
    """The version an If-Match header names; 0 (never current) for a tag of another form.

    Missing or `*` → 428: a write must say which version it was based on. A weak tag never
    matches (If-Match uses strong comparison), so it yields 0 and the write gets 412.
    """
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            "this write needs If-Match with the ETag of your last read", field="If-Match"
        )
    tags = [tag.strip() for tag in if_match.split(",") if tag.strip()]
    if tags == ["*"]:
        raise PreconditionRequired(
            "If-Match: * is not enough here: send the ETag of your last read", field="If-Match"
        )
    if len(tags) != 1:
        raise ServiceError("If-Match must carry exactly one ETag", field="If-Match")
    match = _TAG.fullmatch(tags[0])
    return int(match.group(1)) if match else 0


async def expected_version(
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description='The ETag of your last read of this parcel, e.g. "v3" (with quotes).',
        ),
    ] = None,
) -> int:
    """Dependency: the version the client's write is based on (428 when not given)."""
    return version_of(if_match)


IfMatchDep = Annotated[int, Depends(expected_version)]
