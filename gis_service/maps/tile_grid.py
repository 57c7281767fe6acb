"""Web Mercator tiles (the WebMercatorQuad matrix set): their bounds and a cache of built tiles.

Pure: no I/O. The cache is keyed by the data version (gis_service.repo.parcel_tiles), so an
edit makes every older entry unreachable; the oldest entries are dropped when it is full.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Final

MAX_ZOOM: Final = 22
EARTH_CIRCUMFERENCE_M: Final = 2 * math.pi * 6378137
EXTENT: Final = 4096  # MVT grid of one tile


@dataclass(frozen=True)
class Tile:
    """One tile of the WebMercatorQuad matrix: zoom, column, row (row 0 at the north)."""

    z: int
    x: int
    y: int

    def bounds_degrees(self) -> tuple[float, float, float, float]:
        """minlon, minlat, maxlon, maxlat of the tile."""
        n = 2**self.z
        return (
            self.x / n * 360 - 180,
            _latitude(self.y + 1, n),
            (self.x + 1) / n * 360 - 180,
            _latitude(self.y, n),
        )

    def pixel_metres(self) -> float:
        """Metres (Web Mercator) one MVT grid cell spans at this zoom: the simplification."""
        return float(EARTH_CIRCUMFERENCE_M / 2**self.z / EXTENT)


def tile_problem(z: int, x: int, y: int) -> tuple[str, str] | None:
    """(field, sentence) when z/x/y is no tile of the matrix; None when it is one."""
    if not 0 <= z <= MAX_ZOOM:
        return "z", f"zoom must be 0–{MAX_ZOOM}"
    for field, value in (("x", x), ("y", y)):
        if not 0 <= value < 2**z:
            return field, f"{field} must be 0–{2**z - 1} at zoom {z}"
    return None


def tile_etag(*parts: object) -> str:
    """A strong ETag naming a tile's content by everything that decides it."""
    digest = hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=12).hexdigest()
    return f'"{digest}"'


class TileCache:
    """The last `capacity` tiles built, by key; safe to share between request threads."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._tiles: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        """The tile stored under the key, if any (and mark it recently used)."""
        with self._lock:
            tile = self._tiles.get(key)
            if tile is not None:
                self._tiles.move_to_end(key)
            return tile

    def put(self, key: str, tile: bytes) -> None:
        """Store a tile; drop the least recently used beyond the capacity."""
        with self._lock:
            self._tiles[key] = tile
            self._tiles.move_to_end(key)
            while len(self._tiles) > self.capacity:
                self._tiles.popitem(last=False)


def _latitude(row: float, n: int) -> float:
    """Latitude of the northern edge of a tile row."""
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))
