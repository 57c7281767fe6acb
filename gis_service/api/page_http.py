"""The HTTP side of a page the page fast path answers (api/page_fast_path.py): the headers
the page routes and the middlewares after them (ConditionalGetMiddleware, GZipMiddleware) give
an answer, the gzip they make, and the body sent piece by piece (issue 10 goal 1)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any, Final

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import Send

from gis_service.api.compression import GZIP_LEVEL, GZIP_MINIMUM

JSON: Final = "application/json"  # RawJSONResponse's
# Starlette's GZipMiddleware compresses a body from this size on in a worker thread.
GZIP_IN_THREAD: Final = 128 * 1024


@dataclass(frozen=True)
class Answer:
    """An answer as the route and the middlewares around it send it: status, headers, and
    the body's pieces in order (the page's megabyte a view of what PostgreSQL sent)."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: list[bytes | memoryview]


def revalidated(tag: str) -> list[tuple[bytes, bytes]]:
    """The headers the page route sets on its answers (200 and 304)."""
    return [(b"etag", tag.encode("latin-1")), (b"cache-control", b"no-cache")]


async def encoded(
    request: Request, head: list[tuple[bytes, bytes]], media_type: str, body: list[Any]
) -> Answer:
    """A 200 with the headers of a JSON Response and of the GZipMiddleware after it: Vary from
    GZIP_MINIMUM bytes on, the body gzipped when the client takes gzip (as the middleware
    does it: level GZIP_LEVEL, its large bodies in a worker thread)."""
    size = sum(len(piece) for piece in body)
    headers = [*head, (b"content-length", b"%d" % size), (b"content-type", media_type.encode())]
    if size < GZIP_MINIMUM:
        return Answer(200, headers, body)
    headers.append((b"vary", b"Accept-Encoding"))
    if "gzip" not in request.headers.get("accept-encoding", ""):
        return Answer(200, headers, body)
    if size >= GZIP_IN_THREAD:
        packed = await run_in_threadpool(_gzipped, body)
    else:
        packed = _gzipped(body)
    headers[len(head)] = (b"content-length", b"%d" % len(packed))
    headers.append((b"content-encoding", b"gzip"))
    return Answer(200, headers, [packed])


def _gzipped(body: list[bytes | memoryview]) -> bytes:
    """The pieces gzipped as one stream (the bytes GZipMiddleware makes of them joined)."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return b"".join([*(compressor.compress(piece) for piece in body), compressor.flush()])


async def send_answer(send: Send, answer: Answer) -> None:
    """The answer's start and its body, piece by piece (Content-Length counts them all)."""
    await send({"type": "http.response.start", "status": answer.status, "headers": answer.headers})
    last = len(answer.body) - 1
    for at, piece in enumerate(answer.body):
        await send({"type": "http.response.body", "body": piece, "more_body": at < last})
    if not answer.body:
        await send({"type": "http.response.body", "body": b""})
