"""Conditional GET (RFC 9110 §13.1.2): an ETag on polled JSON reads, 304 when it still matches.

The leadership screen polls its JSON every minute or so; most polls find nothing changed.
The tag is a digest of the response body, so it is right whatever builds the body (Python or
SQL) and changes exactly when the content does; the body is still computed, what a 304 saves
is sending and parsing it. A handler that knows its tag beforehand from the data's version
(data_etag) sets it itself: the body is not hashed and a matching poll is not built. Only
the listed paths are handled: a parcel's own ETag is its version (for If-Match) and is never
replaced.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from typing import Final

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The JSON reads the screen (and any poller) may ask with If-None-Match. /api/screen tags its
# answers itself, from the data's version, before building them (screen_routes).
POLLED_PATHS: Final = frozenset({"/api/kpis", "/api/parcels"})


def body_etag(body: bytes) -> str:
    """A strong ETag of a body: the first 32 hex digits of its SHA-256, quoted."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def data_etag(*parts: object) -> str:
    """A strong ETag known before the body is built: a digest of what the body is made from.

    For reads whose answer is a function of the data's version (every write raises it), the
    request's URL and the settings it uses: no megabyte is hashed, and a poll that still
    matches is answered 304 before any page is read (issue 10).
    """
    return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def none_match(if_none_match: str | None, tag: str) -> bool:
    """Whether If-None-Match names the tag (weak comparison, `*` matches anything)."""
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or tag.removeprefix("W/") in tags


class ConditionalGetMiddleware:
    """Add an ETag to 200 answers of GET on the polled paths; answer 304 when it matches."""

    def __init__(self, app: ASGIApp, paths: Collection[str] = POLLED_PATHS) -> None:
        self.app = app
        self.paths = frozenset(paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass other requests through; buffer the polled ones to tag them."""
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        if scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        asked = Headers(scope=scope).get("if-none-match")
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await _finish(send, start, b"".join(chunks), asked)

        await self.app(scope, receive, buffer)


async def _finish(send: Send, start: Message, body: bytes, asked: str | None) -> None:
    """Send the buffered answer: tagged, or a bodiless 304 when the client has it already."""
    if start["status"] != 200:
        await send(start)
        await send({"type": "http.response.body", "body": body})
        return
    headers = MutableHeaders(raw=list(start["headers"]))
    tag = headers.get("etag") or body_etag(body)
    headers["ETag"] = tag
    # Pollers must ask again each time rather than reuse a copy without asking.
    headers.setdefault("Cache-Control", "no-cache")
    if none_match(asked, tag):
        kept = [(k, v) for k, v in headers.raw if k.lower() not in _BODY_HEADERS]
        await send({"type": "http.response.start", "status": 304, "headers": kept})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200, "headers": headers.raw})
    await send({"type": "http.response.body", "body": body})


# Headers that describe a body; a 304 has none (RFC 9110 §15.4.5).
_BODY_HEADERS: Final = frozenset({b"content-length", b"content-type", b"content-encoding"})
