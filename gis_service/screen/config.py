"""What the screen's page is told besides its data: where to poll, how often, what to draw."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from gis_service.maps.map_data import base_layer
from gis_service.screen.bundle import community_outlines, legend
from gis_service.screen.screen_tiles import screen_tiled, tile_config
from gis_service.settings import Settings


def page_config(
    session: Session, settings: Settings, *, pinned: date | None, live: bool
) -> dict[str, Any]:
    """The page's settings, legend and static layers (outlines, land) as one JSON object."""
    return {
        "live": live,
        "as_of": None if pinned is None else pinned.isoformat(),
        "api": "/api/screen",
        "playback_api": "/api/screen/playback",
        "refresh_seconds": settings.screen_refresh_seconds,
        "playback_seconds": settings.screen_playback_seconds,
        "legend": legend(),
        "communities": community_outlines(session),
        "land": base_layer(settings.base_layers_dir / "land.geojson"),
        # Above map_embed_limit the live page draws the parcels from tiles (screen_tiles.py).
        "tiles": tile_config(session) if live and screen_tiled(session, settings) else None,
    }
