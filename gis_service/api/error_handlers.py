"""Last-resort error handlers: HTTP errors of the framework and unexpected failures.

They give every answer the one error shape {error, message, field} (DESIGN.md, STYLE.md rule 8).
An unexpected exception is logged with its traceback and answered with a safe sentence;
the tests show that no bad input reaches it.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

log = logging.getLogger("gis_service")


def add_fallback_handlers(app: FastAPI) -> None:
    """Answer framework HTTP errors (404 route, 405 method) and crashes in the one shape."""

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, error: HTTPException) -> JSONResponse:
        phrase = HTTPStatus(error.status_code).phrase
        detail = error.detail if isinstance(error.detail, str) else phrase
        body = {"error": phrase.lower().replace(" ", "_"), "message": detail, "field": None}
        return JSONResponse(body, status_code=error.status_code, headers=error.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.error("unexpected failure on %s %s", request.method, request.url.path, exc_info=error)
        body = {
            "error": "internal_error",
            "message": "the service failed to answer this request; details are in its log",
            "field": None,
        }
        return JSONResponse(body, status_code=500)
