"""PATCHes of one parcel answered before FastAPI's routing and dependencies (issue 10 goal 5).

On 2 cores shared by the workers, PostgreSQL and the clients, Python time per request is what
limits writes: resolving the route's dependencies and its four hops to worker threads (the
session's opening and closing, the caller, the handler) cost about as much as the write itself.
This ASGI layer sits inside every middleware (the Host check, the overload limit, compression,
read-after-write stamping all still apply) and answers a PATCH of `/api/parcels/{code}` sent in
the plain form: a bearer token, one If-Match, a JSON body within the size limit, no query
parameters. It runs the route's own code (the token's user, its role, edits.patch_parcel) in one
worker thread and one session, the request's as the routes get it (read routing on the primary,
so ReadAfterWrite stamps the answer), commits, and answers what the route answers.

Everything else is passed on unchanged, so the route keeps every rule and error message:
- a request in another form (a cookie, a query parameter, no If-Match, another media type, a
  body without a Content-Length or above the limit): passed on before any work;
- any refusal on the way (an unknown or revoked token, a role that may not edit, a stale
  version, a missing parcel, invalid input, a database error, at the commit too): its
  transaction is rolled back and the request passed on with the body read, and the route
  answers it. A refused write is tried twice; a write is made once: only a committed one is
  answered here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Final

import psycopg
from fastapi.security.utils import get_authorization_scheme_param
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gis_service.api import auth
from gis_service.api.deps import scope_session
from gis_service.api.errors import ServiceError
from gis_service.api.overload import busy_response
from gis_service.api.preconditions import version_of
from gis_service.api.request_body import json_media_type
from gis_service.parcels import edits
from gis_service.parcels.parcel_input import CODE_PATTERN, parse_json
from gis_service.raw_json import RawJSONResponse
from gis_service.rules.roles import Operation
from gis_service.settings import Settings

log = logging.getLogger("gis_service")

_PARCEL: Final = re.compile(rf"/api/parcels/(?P<code>{CODE_PATTERN.pattern})")


@dataclass(frozen=True)
class PlainPatch:
    """A PATCH the fast path may answer: the parcel's code, the token, the version it names."""

    code: str
    token: str
    expected_version: int


class PatchFastPath:
    """Answer plain one-parcel PATCHes in one worker thread; pass everything else on."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A plain PATCH that succeeds is answered here; the rest goes to the app unchanged."""
        asked = plain_patch(scope, self.settings) if scope["type"] == "http" else None
        if asked is None:
            await self.app(scope, receive, send)
            return
        messages, body = await _read_body(receive, self.settings.max_body_bytes)
        if body is not None:
            try:
                answer = await run_in_threadpool(self._write, scope, asked, body)
            except PoolTimeout:  # as the app's handler answers it: at once, not after a retry
                log.warning("no free connection for %s %s", scope["method"], scope["path"])
                answer = busy_response()
            if answer is not None:
                await answer(scope, receive, send)
                return
        await self.app(scope, replay(messages, receive), send)

    def _write(self, scope: Scope, asked: PlainPatch, body: bytes) -> Response | None:
        """The route's write and answer, or None (rolled back) for the route to decide."""
        try:
            with scope_session(scope) as session:
                user = auth.user_of_token(session, asked.token)
                if user is None:
                    return None
                user.require(Operation.EDIT)
                result = edits.patch_parcel(
                    session,
                    code=asked.code,
                    body=parse_json(body),
                    user=user,
                    expected_version=asked.expected_version,
                    settings=self.settings,
                )
                session.commit()
        except PoolTimeout:
            raise
        except (ServiceError, SQLAlchemyError, psycopg.Error):
            return None
        return RawJSONResponse(result.body(), headers={"ETag": result.etag})


def plain_patch(scope: Scope, settings: Settings) -> PlainPatch | None:
    """The PATCH in the plain form this layer answers, or None to pass the request on."""
    if scope["method"] != "PATCH" or scope["query_string"]:
        return None
    found = _PARCEL.fullmatch(scope["path"])
    if found is None:
        return None
    request = Request(scope)
    headers = request.headers
    # The bearer token as the route's HTTPBearer reads it; a cookie's caller goes to the route.
    scheme, token = get_authorization_scheme_param(headers.get("authorization"))
    length = headers.get("content-length", "")
    if scheme.lower() != "bearer" or not token or not length.isdigit():
        return None
    if int(length) > settings.max_body_bytes:
        return None
    try:
        json_media_type(request)
        expected = version_of(headers.get("if-match"))
    except ServiceError:
        return None
    return PlainPatch(found["code"], token, expected)


async def _read_body(receive: Receive, limit: int) -> tuple[list[Message], bytes | None]:
    """The messages read, and the whole body, or None when it grew past the limit or the
    client went (the route then reads on from where this stopped)."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, None
        size += len(message.get("body", b""))
        if size > limit:
            return messages, None
        if not message.get("more_body", False):
            return messages, b"".join(m.get("body", b"") for m in messages)


def replay(messages: list[Message], receive: Receive) -> Receive:
    """A receive that hands out the messages already read, then reads on."""
    pending = _messages(messages, receive)

    async def replayed() -> Message:
        return await anext(pending)

    return replayed


async def _messages(messages: list[Message], receive: Receive) -> AsyncIterator[Message]:
    """The messages read, then each further one from the client."""
    for message in messages:
        yield message
    while True:
        yield await receive()
