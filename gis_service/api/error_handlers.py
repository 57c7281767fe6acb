"""Every error handler of the app: one place maps errors to the one shape {error, message, field}.

Service errors carry their own status (errors.py); request validation, framework HTTP errors
(404 route, 405 method), database and pool failures (503) and unexpected failures are mapped
here (DESIGN.md, STYLE.md rule 8). A 401 on a GET of an HTML page sends the person to the
sign-in page instead. An unexpected exception is logged with its traceback and answered with a
safe sentence; the tests show that no bad input reaches it.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

from gis_service.api.database_errors import DATABASE_ERRORS, unavailable
from gis_service.api.errors import InvalidInput, MalformedBody, ServiceError, error_body
from gis_service.api.overload import busy_response
from gis_service.api.route_match import allowed_methods
from gis_service.people.signin import login_url

log = logging.getLogger("gis_service")


def add_error_handlers(app: FastAPI) -> None:
    """Answer service errors, invalid requests, framework HTTP errors and crashes in one shape."""

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, error: ServiceError) -> Response:
        if _sends_to_sign_in(request, error):
            query = f"?{request.url.query}" if request.url.query else ""
            return RedirectResponse(login_url(request.url.path + query), status_code=303)
        return _answer(error)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
        return _answer(request_error(error))

    for database_error in DATABASE_ERRORS:  # 503 + Retry-After, never 500 (issue 8)

        @app.exception_handler(database_error)
        async def database_down(_: Request, error: Exception) -> JSONResponse:
            return _answer(unavailable(error))

    @app.exception_handler(PoolTimeout)  # no free connection within db_pool_timeout
    async def pool_timeout(request: Request, _: PoolTimeout) -> JSONResponse:
        log.warning("no free connection for %s %s", request.method, request.url.path)
        return busy_response()

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        phrase = HTTPStatus(error.status_code).phrase
        detail = error.detail if isinstance(error.detail, str) else phrase
        body = error_body(phrase.lower().replace(" ", "_"), detail)
        headers = dict(error.headers or {})
        if error.status_code == 405:
            # Starlette lists the methods of the first route that matched the path only;
            # RFC 9110 section 15.5.6: Allow lists every method the resource answers.
            headers["Allow"] = allowed_methods(request.app, request.url.path)
        return JSONResponse(body, status_code=error.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.error("unexpected failure on %s %s", request.method, request.url.path, exc_info=error)
        message = "the service failed to answer this request; details are in its log"
        return JSONResponse(error_body("internal_error", message), status_code=500)


def request_error(error: RequestValidationError) -> ServiceError:
    """The service error of FastAPI's first validation complaint, naming the field."""
    first = error.errors()[0] if error.errors() else {}
    if first.get("type") == "json_invalid":  # malformed JSON is a 400, not a 422
        return MalformedBody("body is not valid JSON", field="body")
    skip = ("body", "query", "path", "header")
    where = [str(part) for part in first.get("loc", ()) if part not in skip]
    field = ".".join(where) or None
    return InvalidInput(f"{field or 'request'}: {first.get('msg', 'invalid value')}", field=field)


def _sends_to_sign_in(request: Request, error: ServiceError) -> bool:
    """Whether a 401 goes to the sign-in page: people asking for a page, not the JSON API.

    Read access is checked on the routers, so this is where an HTML page's 401 becomes the
    sign-in page. A dead kiosk key (field "key") stays a 401: a wall screen cannot sign in,
    and must show that its link died (issue 13).
    """
    route = request.scope.get("route")
    is_page = getattr(route, "response_class", None) is HTMLResponse
    return error.status == 401 and is_page and request.method == "GET" and error.field != "key"


def _answer(error: ServiceError) -> JSONResponse:
    """The JSON response of a service error, with its status and headers."""
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)
