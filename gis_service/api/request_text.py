"""Path and query text PostgreSQL cannot store, refused at the edge for every route (issue 8).

PostgreSQL refuses NUL in text (and a lone UTF-16 surrogate cannot be encoded as UTF-8), so
such a value reaching a query failed with 500. This middleware answers 400 before routing,
naming the query parameter, or the path parameter of the route the path would match.
"""

from __future__ import annotations

import re
from typing import Final

from starlette.datastructures import QueryParams
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from gis_service.api.errors import ServiceError
from gis_service.api.route_match import matching_routes

_UNSTORABLE: Final = re.compile("[\x00\ud800-\udfff]")


class UnstorableText(ServiceError):
    """A path or query parameter holds a character no text column can store."""

    status, code = 400, "invalid_parameter"


class RefuseUnstorableText:
    """ASGI middleware: 400 for NUL or lone surrogates anywhere in the path or query."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer 400 in the service's error shape, or pass the request on."""
        error = unstorable_parameter(scope) if scope["type"] == "http" else None
        if error is None:
            await self.app(scope, receive, send)
            return
        response = JSONResponse(error.body(), status_code=error.status)
        await response(scope, receive, send)


def unstorable_parameter(scope: Scope) -> UnstorableText | None:
    """The error naming the first parameter with unstorable text, or None."""
    for name, value in QueryParams(scope.get("query_string", b"")).multi_items():
        if _UNSTORABLE.search(name):
            return _refusal("a query parameter's name", "query")
        if _UNSTORABLE.search(value):
            return _refusal(f"query parameter {name}", name)
    if _UNSTORABLE.search(scope.get("path", "")):
        parameter = _path_parameter(scope)
        where = f"path parameter {parameter}" if parameter else "the path"
        return _refusal(where, parameter or "path")
    return None


def _refusal(where: str, field: str) -> UnstorableText:
    """The 400 for one place."""
    return UnstorableText(
        f"{where} contains a NUL or an unpaired surrogate character, which cannot be stored",
        field=field,
    )


def _path_parameter(scope: Scope) -> str | None:
    """The name of the path parameter holding the bad text, in a route the path matches."""
    for _methods, parameters in matching_routes(scope.get("app"), scope.get("path", "")):
        for name, value in parameters.items():
            if _UNSTORABLE.search(value):
                return name
    return None
