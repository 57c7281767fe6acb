"""Optional tile basemaps. Each needs its tile server; `none` (default) needs no network."""

from __future__ import annotations

from typing import Final, Literal
from urllib.parse import quote

import folium

Basemap = Literal["none", "osm", "tianditu", "gaode", "custom"]
BASEMAPS: Final[tuple[str, ...]] = ("none", "osm", "tianditu", "gaode", "custom")

_OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_GAODE = (
    "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
    "&x={x}&y={y}&z={z}"
)
_TIANDITU = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)


def add_basemap(
    m: folium.Map,
    basemap: str,
    tianditu_key: str | None,
    custom_tiles: str | None = None,
    custom_attribution: str | None = None,
) -> folium.Map:
    """Add the basemap's tile layers to the map; `none` adds nothing (the light base is ours)."""
    for layer in basemap_layers(basemap, tianditu_key, custom_tiles, custom_attribution):
        layer.add_to(m)
    return m


def basemap_layers(
    basemap: str,
    tianditu_key: str | None,
    custom_tiles: str | None = None,
    custom_attribution: str | None = None,
) -> list[folium.TileLayer]:
    """The tile layers of a basemap setting; ValueError for an unknown one or a missing key."""
    if basemap == "none":
        return []
    if basemap == "custom":
        # A tile server on the intranet ({z}/{x}/{y} template), e.g. a GeoServer or a cache.
        if not custom_tiles:
            raise ValueError("basemap 'custom' needs basemap_url (GIS_BASEMAP_URL)")
        return [_tiles(custom_tiles, custom_attribution or "内网底图", "abc")]
    if basemap == "osm":
        return [_tiles(_OSM, "© OpenStreetMap contributors", "abc")]
    if basemap == "gaode":
        return [_tiles(_GAODE, "© 高德地图", "1234")]
    if basemap == "tianditu":
        if not tianditu_key:
            raise ValueError("basemap 'tianditu' needs tianditu_key (GIS_TIANDITU_KEY)")
        key = quote(tianditu_key, safe="")
        return [
            _tiles(_TIANDITU.format(s="{s}", layer=layer, key=key), "© 天地图", "01234567")
            for layer in ("vec", "cva")  # vector map, then its Chinese annotation on top
        ]
    raise ValueError(f"basemap must be one of {', '.join(BASEMAPS)}, not {basemap!r}")


def _tiles(url: str, attribution: str, subdomains: str) -> folium.TileLayer:
    """A tile layer kept out of the layer control (the basemap is a setting, not a toggle)."""
    return folium.TileLayer(
        tiles=url, attr=attribution, subdomains=subdomains, max_zoom=18, control=False
    )
