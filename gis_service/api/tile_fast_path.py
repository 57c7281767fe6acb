"""Versioned tiles answered before FastAPI and the middlewares of the JSON reads (issue 10).

A tile URL with `v=<data version>` names content that never changes (gis_service.api
.tile_http). This ASGI layer sits inside TrustedHosts and BoundedQueue (the Host check and the
overload limit still apply) and answers such a request itself:
- a tile the worker holds: from its TileCache, under the very key the tile routes use, with no
  session, no statement, no dependency resolution;
- a miss: one statement on the worker's tile pool (api/tile_pool.py), from the event loop:
  the data's stamp and, when `v` is the current version, the tile (built and stored). With a
  read replica configured, for a date before the last change (the fold), or under the tests'
  shared session: in one worker thread, one session (the read replica's when read routing
  allows), the stamp, then the tile.

It passes everything else on unchanged, so the routes keep every rule and error message:
- read access: it answers only when reads are public and the request brings no token to check
  (a bad token must still get its 401; a private service's readers, and kiosk keys, are
  checked by the routes on every request, as before);
- a URL without `v`, with a parameter it does not know or twice, or a tile or date the routes
  would refuse: passed on (the route answers it, or its 4xx);
- a `v` that is not the current version (an older page): passed on, the route answers today's
  tile with `no-cache`; a database error: passed on, the route answers its 503.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from datetime import date
from typing import Final
from urllib.parse import parse_qsl

import psycopg
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from gis_service.api import read_routing
from gis_service.api.compression import GZIP_LEVEL, GZIP_MINIMUM
from gis_service.api.database_errors import DATABASE_ERRORS
from gis_service.api.deps import scope_session
from gis_service.api.errors import InvalidInput
from gis_service.api.tile_http import MVT, app_tile_cache, held, tile_headers
from gis_service.api.tile_pool import request_pool
from gis_service.maps.tile_grid import Tile, TileCache, tile_etag, tile_problem
from gis_service.parcels.parcel_input import parse_iso_date
from gis_service.repo import parcel_reads, parcel_tiles
from gis_service.repo.prepared_query import binary_int, fetch_row
from gis_service.rules.stages import CATEGORIES
from gis_service.settings import Settings

_ZXY: Final = r"(?P<z>[0-9]{1,2})/(?P<x>[0-9]{1,7})/(?P<y>[0-9]{1,7})"
_VERSION: Final = re.compile(r"[0-9]{1,18}")
# (path pattern, the query parameters the fast path takes there): a kiosk `key` is not one
_ROUTES: Final = (
    (re.compile(rf"/api/tiles/{_ZXY}\.mvt"), frozenset({"as_of", "category", "v"})),
    (re.compile(rf"/api/screen/tiles/{_ZXY}\.mvt"), frozenset({"as_of", "v"})),
    (
        re.compile(rf"/ogc/collections/(?P<collection>[a-z_]+)/tiles/WebMercatorQuad/{_ZXY}"),
        frozenset({"as_of", "v"}),
    ),
)


@dataclass(frozen=True)
class VersionedTile:
    """A tile request the fast path may answer: its tile, date, category and data version."""

    tile: Tile
    on: date
    category: str | None
    version: int


class TileFastPath:
    """Answer versioned tiles to public readers, from the cache or built; pass the rest on."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A versioned tile is answered here; any other request goes to the app unchanged."""
        if scope["type"] == "http" and scope["method"] == "GET" and self.settings.public_read:
            headers = Headers(scope=scope)
            asked = versioned_tile(scope["path"], scope["query_string"], self.settings)
            # A token is checked by the routes, which answer 401 for a bad one.
            if asked is not None and "authorization" not in headers:
                cache = app_tile_cache(scope["app"].state, self.settings.tile_cache_size)
                tag = self._tag(asked)
                body = cache.get(tag)
                if body is None:
                    body = await self._miss(scope, asked, tag, cache)
                if body is not None:
                    await _answer(send, headers, tag, body, cache)
                    return
        await self.app(scope, receive, send)

    def _tag(self, asked: VersionedTile) -> str:
        """The tile's ETag and cache key, as the tile routes make it."""
        thresholds = self.settings.thresholds
        return tile_etag(asked.version, asked.tile, asked.on, asked.category, thresholds)

    async def _miss(
        self, scope: Scope, asked: VersionedTile, tag: str, cache: TileCache
    ) -> bytes | None:
        """The tile at the asked version (stored under its tag), or None to pass it on: in one
        statement on the worker's tile pool (api/tile_pool.py), else through a session."""
        pool = request_pool(scope, self.settings)
        if pool is None:
            return await run_in_threadpool(self._build, scope, asked, tag, cache)
        query = parcel_tiles.versioned_tile_query(asked.category is not None)
        values = parcel_tiles.versioned_tile_params(
            asked.tile,
            version=asked.version,
            category=asked.category,
            on=asked.on,
            thresholds=self.settings.thresholds,
        )
        try:
            async with pool.connection() as conn:
                version, folded, body = await fetch_row(conn, query, values)
        except (psycopg.Error, TimeoutError):
            return None  # the routes answer: their own session, or their 503
        assert version is not None and folded is not None, "the stamp's aggregate has one row"
        if binary_int(version) != asked.version:
            return None
        if folded != b"\x00":  # a date before the last change: the fold, in the session's
            return await run_in_threadpool(self._build, scope, asked, tag, cache)
        body = bytes(body or b"")
        cache.put(tag, body)
        return body

    def _build(
        self, scope: Scope, asked: VersionedTile, tag: str, cache: TileCache
    ) -> bytes | None:
        """The tile at the asked version (stored under its tag) through a SQLAlchemy session,
        or None to pass it on."""
        try:
            with scope_session(scope, read_routing.session_for) as session:
                stamp = parcel_reads.data_stamp(session)
                if stamp.version != asked.version:
                    return None
                return parcel_tiles.cached_tile(
                    session,
                    cache,
                    tag,
                    asked.tile,
                    category=asked.category,
                    on=asked.on,
                    thresholds=self.settings.thresholds,
                    stamp=stamp,
                )
        except DATABASE_ERRORS:
            return None


def versioned_tile(path: str, query_string: bytes, settings: Settings) -> VersionedTile | None:
    """The tile a versioned URL asks for, or None when the routes should decide."""
    matches = ((p.fullmatch(path), known) for p, known in _ROUTES)
    found, allowed = next(((m, known) for m, known in matches if m is not None), (None, None))
    if found is None or allowed is None:
        return None
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    query = dict(pairs)
    if len(query) != len(pairs) or not query.keys() <= allowed:
        return None
    if _VERSION.fullmatch(query.get("v", "")) is None:
        return None
    parts = found.groupdict()
    tile = Tile(int(parts["z"]), int(parts["x"]), int(parts["y"]))
    category = parts.get("collection") or query.get("category")
    if tile_problem(tile.z, tile.x, tile.y) is not None or (
        category is not None and category not in CATEGORIES
    ):
        return None
    try:
        on = parse_iso_date(query["as_of"], "as_of") if "as_of" in query else settings.today_date()
    except InvalidInput:
        return None
    return VersionedTile(tile, on, category, int(query["v"]))


async def _answer(send: Send, headers: Headers, tag: str, body: bytes, cache: TileCache) -> None:
    """200 with the tile (gzipped when the client takes it), or 304 when its tag is held."""
    fields = tile_headers(tag, immutable=True) | {"Vary": "Accept-Encoding"}
    status = 304 if held(headers.get("if-none-match"), tag) else 200
    if status == 200:
        fields["Content-Type"] = MVT
        if "gzip" in headers.get("accept-encoding", "") and len(body) >= GZIP_MINIMUM:
            body = _gzipped(cache, tag, body)
            fields["Content-Encoding"] = "gzip"
        fields["Content-Length"] = str(len(body))
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in fields.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body if status == 200 else b""})


def _gzipped(cache: TileCache, tag: str, body: bytes) -> bytes:
    """The tile gzipped, compressed once and kept beside it in the cache."""
    key = tag + ";gzip"
    packed = cache.get(key)
    if packed is None:
        packed = gzip.compress(body, GZIP_LEVEL)
        cache.put(key, packed)
    return packed
