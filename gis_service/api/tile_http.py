"""The HTTP side of a tile answer, shared by the tile routes and their fast path.

A tile URL that carries `v=<data version>` (the maps' own tile URLs do, gis_service.maps
.tile_mode) names content that never changes: it is answered with a year's `max-age` and
`immutable`, so browsers and a cache in front (deploy/nginx/) keep it without asking again.
Without `v`, or with a `v` that is not the data's version now, the answer is today's: built
from the current data, `no-cache`, revalidated with its strong ETag after every edit.
"""

from __future__ import annotations

from typing import Any, Final

from gis_service.maps.tile_grid import TileCache

MVT: Final = "application/vnd.mapbox-vector-tile"
# RFC 8246: immutable. A year is the usual ceiling for versioned static assets.
IMMUTABLE: Final = "public, max-age=31536000, immutable"
# A service whose reads need a token: only the reader's own browser may keep the tile, never a
# shared cache (nginx honours `private` and stores nothing), which would hand it to anyone.
IMMUTABLE_PRIVATE: Final = "private, max-age=31536000, immutable"
REVALIDATE: Final = "no-cache"


def tile_headers(tag: str, *, immutable: bool, shared: bool = True) -> dict[str, str]:
    """ETag and Cache-Control of a tile answer (200 or 304); `shared`: reads are public."""
    if not immutable:
        return {"ETag": tag, "Cache-Control": REVALIDATE}
    return {"ETag": tag, "Cache-Control": IMMUTABLE if shared else IMMUTABLE_PRIVATE}


def held(if_none_match: str | None, tag: str) -> bool:
    """Whether If-None-Match names the tile's (strong) tag."""
    return tag in (t.strip() for t in (if_none_match or "").split(","))


def app_tile_cache(state: Any, capacity: int) -> TileCache:
    """The worker's tile cache on the app's state (made on first use), for routes and fast path."""
    cache: TileCache | None = getattr(state, "tile_cache", None)
    if cache is None:
        cache = state.tile_cache = TileCache(capacity)
    return cache
