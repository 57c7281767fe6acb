"""The error body every endpoint answers with, and OpenAPI `responses=` built from it."""

from __future__ import annotations

from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field


class ErrorBody(BaseModel):
    """One error: a stable code, a sentence for people, and the field at fault."""

    model_config = ConfigDict(extra="allow")

    error: str = Field(description="Stable code, e.g. invalid_input, stale_version.")
    message: str = Field(description="What is wrong, in one sentence naming the field.")
    field: str | None = Field(default=None, description="The member, parameter or header.")


DESCRIPTIONS: Final[dict[int, str]] = {
    400: "Malformed request: the body is not JSON (or has NaN/Infinity), or a header is malformed.",
    401: "No token, or an unknown or revoked one (`WWW-Authenticate: Bearer`).",
    403: "The token's role may not do this (to this parcel, or to these fields).",
    404: "No such parcel (or user); deleted parcels are gone from current views.",
    409: "Conflicts with stored data, e.g. the code already exists.",
    412: "If-Match names a version that is no longer current; the body has `current_version`.",
    413: "The body is larger than the `max_body_bytes` setting.",
    415: "The upload is not of an accepted kind (photos: JPEG, PNG or WebP).",
    422: "A value is invalid; `field` names it and `message` says why.",
    428: "The write needs If-Match with the ETag of the last read.",
    500: "An unexpected failure; details are in the service log.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses for the given error statuses (500 always added).

    Descriptions only: every 4xx/5xx answer's content is set to ErrorBody by openapi_fixes.
    A `"model": ErrorBody` here would have FastAPI build a pydantic field per route and
    status at import (about 200 of them, a tenth of the start-up's CPU; issue 10 goal 7)
    for a schema the document then replaces.
    """
    return {status: {"description": DESCRIPTIONS[status]} for status in (*statuses, 500)}
