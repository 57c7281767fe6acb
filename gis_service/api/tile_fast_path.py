"""Cached tiles of versioned URLs answered before the middleware stack and FastAPI (issue 10).

A tile URL with `v=<data version>` names content that never changes (gis_service.api
.tile_http), so once a worker has built it, answering it again needs no database round trip,
no session, no dependency resolution and none of the middlewares that shape the JSON reads.
This ASGI layer sits just inside TrustedHosts (the Host check still applies) and answers such a
request from the worker's TileCache, under the very key the tile routes stored it with.

It answers only what it can decide without the database, and passes everything else on
unchanged, so the routes keep every rule and error message:
- read access: only when reads are public and the request brings no credentials to check
  (a bad token or kiosk key must still get its 401; a private service's readers are checked
  by the routes, on every request, as before);
- a URL without `v`, with a parameter it does not know or twice, or a tile or date the routes
  would refuse: passed on (the route answers it, or its 4xx);
- a miss: passed on; the route builds the tile and stores it for the next request.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from datetime import date
from typing import Final
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from gis_service.api.errors import InvalidInput
from gis_service.api.tile_http import MVT, held, tile_headers
from gis_service.maps.tile_grid import Tile, TileCache, tile_etag, tile_problem
from gis_service.parcels.parcel_input import parse_iso_date
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
GZIP_LEVEL: Final = 6  # as the GZipMiddleware of the other answers


@dataclass(frozen=True)
class VersionedTile:
    """A tile request the fast path may answer: its tile, date, category and data version."""

    tile: Tile
    on: date
    category: str | None
    version: int


class TileFastPath:
    """Answer cached tiles of versioned URLs to public readers; pass everything else on."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A cache hit is answered here; any other request goes to the app unchanged."""
        if scope["type"] == "http" and scope["method"] == "GET" and self.settings.public_read:
            headers = Headers(scope=scope)
            cache: TileCache | None = getattr(scope["app"].state, "tile_cache", None)
            # A token is checked by the routes, which answer 401 for a bad one.
            if cache is not None and "authorization" not in headers:
                hit = self._cached(scope, cache)
                if hit is not None:
                    await _answer(send, headers, *hit, cache)
                    return
        await self.app(scope, receive, send)

    def _cached(self, scope: Scope, cache: TileCache) -> tuple[str, bytes] | None:
        """(tag, tile) when the request is for a versioned tile the worker holds."""
        asked = versioned_tile(scope["path"], scope["query_string"], self.settings)
        if asked is None:
            return None
        settings = self.settings
        tag = tile_etag(asked.version, asked.tile, asked.on, asked.category, settings.thresholds)
        body = cache.get(tag)
        return None if body is None else (tag, body)


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
        if "gzip" in headers.get("accept-encoding", "") and len(body) >= 1024:
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
