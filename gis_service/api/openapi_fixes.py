"""The OpenAPI document made to match what the service answers (issue 8, schemathesis).

FastAPI derives the document from handler signatures, which leaves four differences:
If-Match is optional in the signature only so that its absence gets 428 (not 422); error
bodies of HTML routes are declared as text/html although every error is JSON; its own 422
schema (HTTPValidationError) is not the shape our handler sends; and answers given before
any handler (400 at the edge, 401 from the router, 415, 503) are not declared at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from fastapi import FastAPI

from gis_service.api.database_errors import RETRY_AFTER_SECONDS

ERROR_REF: Final = {"$ref": "#/components/schemas/ErrorBody"}
EDGE_ANSWERS: Final[dict[str, str]] = {
    "400": "A path or query parameter holds NUL (or an unpaired surrogate), the Host is not "
    "an allowed host, or the request is malformed otherwise; `field` names the part.",
    "503": f"The database is unavailable; retry after `Retry-After` ({RETRY_AFTER_SECONDS}) s.",
}
AUTH_ANSWERS: Final[dict[str, str]] = {
    "401": "No token, or an unknown or revoked one (`WWW-Authenticate: Bearer`); reads need "
    "one when the `public_read` setting is off.",
}
BODY_ANSWERS: Final[dict[str, str]] = {
    "415": "The body is not declared as application/json, application/merge-patch+json or "
    "application/geo+json (UTF-8).",
}
METHODS: Final = ("get", "put", "post", "delete", "patch")


def install(app: FastAPI) -> None:
    """Serve the corrected document at /openapi.json (FastAPI still builds and caches it)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        return matched_to_service(build())

    app.openapi = openapi  # type: ignore[method-assign]


def matched_to_service(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the corrections above (applied in place; applying twice is a no-op)."""
    for operation in _operations(document):
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "header" and parameter.get("name") == "If-Match":
                parameter["required"] = True  # absent: 428 precondition_required
        responses = operation.setdefault("responses", {})
        extra = (
            EDGE_ANSWERS
            | (AUTH_ANSWERS if operation.get("security") else {})
            | (BODY_ANSWERS if "requestBody" in operation else {})
        )
        for status, description in extra.items():
            responses.setdefault(status, {"description": description})
        for status, response in responses.items():
            if status[0] in "45":
                response["content"] = {"application/json": {"schema": ERROR_REF}}
        if "503" in responses:
            responses["503"]["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
    schemas = document.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation object of the document."""
    return [
        operation
        for item in document.get("paths", {}).values()
        for method, operation in item.items()
        if method in METHODS
    ]
