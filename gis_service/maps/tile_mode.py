"""What a planners' map drawn from vector tiles carries instead of its parcels (issue 10, goal 4).

Above `map_embed_limit` the live map embeds no parcel: MapLibre GL draws them from the service's
own tiles (`/api/tiles/{z}/{x}/{y}.mvt`), and the page carries only counts per legend class and
filter value (for the legend), the data's bbox (for the first view), the bounds of the deadline
windows (for the window filter) and the URL templates of tiles, popups and search. The tile URL
names the data version the page was built at (`v`): an immutable URL, cached by browsers and
a tile cache in front (gis_service.api.tile_http); an edit changes the version, so the next
page asks new URLs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from gis_service.maps.payload import WINDOW_BUCKETS, window_ends
from gis_service.maps.styling import stage_key
from gis_service.repo.parcel_legend import Bbox, LegendGroups

TILE_PATH = "/api/tiles/{z}/{x}/{y}.mvt"
POPUP_PATH = "/map/parcels/{code}"
SEARCH_PATH = "/api/parcels"
SEARCH_HITS = 10


@dataclass(frozen=True)
class TiledParcels:
    """The parcels of a map drawn from tiles: counted groups, the filters fixed by the URL and
    the data version they were counted at (None: tile URLs without `v`, revalidated)."""

    groups: LegendGroups
    category: str | None = None
    community: str | None = None
    version: int | None = None


def tile_data(tiled: TiledParcels, as_of: date) -> dict[str, Any]:
    """The `tiles` entry planner.js and planner_tiles.js read (no parcel record in it)."""
    month_end, quarter_end = window_ends(as_of)
    day = as_of.isoformat()
    return {
        "tile_url": TILE_PATH + "?" + urlencode(_tile_params(as_of, tiled)),
        "popup_url": POPUP_PATH + "?" + urlencode({"as_of": day}),
        "search_url": SEARCH_PATH + "?" + urlencode(_search_params(as_of, tiled)),
        "window_bounds": {
            "on": day,
            "month_end": month_end.isoformat(),
            "quarter_end": quarter_end.isoformat(),
        },
        "buckets": WINDOW_BUCKETS,
        "groups": [list(row) for row in tiled.groups.rows],
        "bounds": _bounds(tiled.groups.bbox),
        "fixed": {"category": tiled.category or "", "community": tiled.community or ""},
    }


def group_counts(groups: LegendGroups) -> dict[str, dict[str, int]]:
    """Parcels per legend class of each colouring, as payload.legend_counts gives them."""
    level: Counter[str] = Counter()
    stage: Counter[str] = Counter()
    for category, stage_name, lvl, _community, _bucket, n in groups.rows:
        level[lvl] += n
        stage[stage_key(category, stage_name)] += n
    return {"level": dict(level), "stage": dict(stage)}


def _params(as_of: date, category: str | None) -> dict[str, str]:
    """The tile URL's query: the date, and the category when the page is of one."""
    params = {"as_of": as_of.isoformat()}
    if category:
        params["category"] = category
    return params


def _tile_params(as_of: date, tiled: TiledParcels) -> dict[str, str]:
    """The tile URL's query: date, category, and the data version that makes it immutable."""
    params = _params(as_of, tiled.category)
    if tiled.version is not None:
        params["v"] = str(tiled.version)
    return params


def _search_params(as_of: date, tiled: TiledParcels) -> dict[str, str]:
    """The search URL's fixed query (planner_tiles.js adds `q`)."""
    params = _params(as_of, tiled.category) | {"limit": str(SEARCH_HITS)}
    if tiled.community:
        params["community"] = tiled.community
    return params


def _bounds(bbox: Bbox | None) -> list[list[float]] | None:
    """A bbox as Leaflet's [[south, west], [north, east]]."""
    if bbox is None:
        return None
    minlon, minlat, maxlon, maxlat = bbox
    return [[minlat, minlon], [maxlat, maxlon]]
