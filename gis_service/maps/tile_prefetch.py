"""The opening view's tiles asked for from the top of the page (issue 10, goal 4: first draw).

A map drawn from vector tiles starts static/js/tile_prefetch.js, inlined first in <head>, with
what it needs to work out the view the map will open at: the tile URL template, the data's
bounds and parcel count, and the height of the page's bar above the map. PostgreSQL then
builds the first tiles while the browser loads and parses MapLibre, Leaflet and planner.js.
"""

from __future__ import annotations

from typing import Any, Final

import folium
from branca.element import Figure

from gis_service.maps.assets import inline_script
from gis_service.maps.raw_text import RawText
from gis_service.maps.safe_json import script_json

SCRIPT: Final = "js/tile_prefetch.js"
# The shell's bar above a map page, in CSS pixels (`--ys-bar` in static/css/shell.css; a
# test holds the two equal). The map fills the window below it.
BAR_HEIGHT_PX: Final = 44


def prefetch_config(tiles: dict[str, Any]) -> dict[str, Any]:
    """What tile_prefetch.js's start() reads, from the page's `tiles` entry (tile_mode.py)."""
    total = sum(int(group[5]) for group in tiles["groups"])
    return {
        "tile_url": tiles["tile_url"],
        "bounds": tiles["bounds"],
        "total": total,
        "top": BAR_HEIGHT_PX,
    }


def add_tile_prefetch(m: folium.Map, tiles: dict[str, Any]) -> folium.Map:
    """Put the prefetch script and its start call at the head's top (before any asset)."""
    figure = m.get_root()
    assert isinstance(figure, Figure), "a folium.Map always sits in a Figure"
    start = f"<script>YatouTilePrefetch.start({script_json(prefetch_config(tiles))});</script>"
    figure.header.add_child(RawText(inline_script(SCRIPT) + "\n" + start), name="tile_prefetch")
    return m
