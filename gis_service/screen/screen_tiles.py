"""Whether the live screen draws its parcels from vector tiles, and what the page needs for it.

Above `map_embed_limit` parcels (counted now, so the page and its JSON agree whatever date
either is asked for) the screen's JSON carries no parcel outlines and the playback no level
per code: static/js/screen_tiles.js draws the parcels with MapLibre GL from
/api/screen/tiles, as of the date shown. Standalone files always embed (no server to ask).
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy.orm import Session

from gis_service.repo import parcel_reads
from gis_service.repo.extents import select_parcel_extent
from gis_service.repo.parcel_reads import ParcelQuery
from gis_service.settings import Settings

TILE_PATH: Final = "/api/screen/tiles/{z}/{x}/{y}.mvt"
# Scripts and styles the live page adds when it draws from tiles (after Leaflet).
TILE_STYLES: Final = ("vendor/maplibre-gl-5.24.1/maplibre-gl.css",)
TILE_SCRIPTS: Final = (
    "vendor/maplibre-gl-5.24.1/maplibre-gl.js",
    "vendor/maplibre-gl-leaflet-0.1.4/leaflet-maplibre-gl.js",
    "js/screen_tiles.js",
)


def screen_tiled(session: Session, settings: Settings) -> bool:
    """Whether the live screen draws from tiles: more live parcels than the embed limit."""
    return parcel_reads.count_parcels(session, ParcelQuery()) > settings.map_embed_limit


def tile_config(session: Session) -> dict[str, Any]:
    """The page's `tiles` entry: the tile URL template and the parcels' bounds to fit."""
    box = select_parcel_extent(session)
    bounds = None if box is None else [[box[1], box[0]], [box[3], box[2]]]
    return {"url": TILE_PATH, "bounds": bounds}
