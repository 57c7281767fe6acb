"""Where a map's JS/CSS come from: the service's own /static/ or inlined (no CDN, ever).

folium elements list their assets as (name, CDN URL) in `default_js`/`default_css`. These
functions replace every such link with a local one or with the file's content, by the asset's
name, so a map never asks a CDN for anything (DESIGN.md: the intranet has no internet).
"""

from __future__ import annotations

import base64
import html
import re
from functools import lru_cache
from importlib.resources import files
from pathlib import PurePosixPath
from typing import Final

import folium
from branca.element import Element, Figure
from folium.elements import JSCSSMixin

from gis_service.maps.raw_text import RawText
from gis_service.maps.static_version import static_version

# folium's asset name → file under gis_service/static/ (versions as folium 0.20 references them).
ASSETS: Final[dict[str, str]] = {
    "leaflet": "vendor/leaflet-1.9.3/leaflet.js",
    "leaflet_css": "vendor/leaflet-1.9.3/leaflet.css",
    "Control.Fullscreen.js": "vendor/leaflet.fullscreen-3.0.0/Control.FullScreen.js",
    "Control.FullScreen.css": "vendor/leaflet.fullscreen-3.0.0/Control.FullScreen.css",
    "markerclusterjs": "vendor/leaflet.markercluster-1.1.0/leaflet.markercluster.js",
    "markerclustercss": "vendor/leaflet.markercluster-1.1.0/MarkerCluster.css",
    "markerclusterdefaultcss": "vendor/leaflet.markercluster-1.1.0/MarkerCluster.Default.css",
    "yatou_planner_css": "css/planner.css",
    "yatou_planner_js": "js/planner.js",
    # Only on live maps above map_embed_limit (parcels from vector tiles, maps/tile_mode.py).
    "maplibre_gl_js": "vendor/maplibre-gl-5.24.1/maplibre-gl.js",
    "maplibre_gl_css": "vendor/maplibre-gl-5.24.1/maplibre-gl.css",
    "maplibre_gl_leaflet_js": "vendor/maplibre-gl-leaflet-0.1.4/leaflet-maplibre-gl.js",
    "yatou_planner_tiles_js": "js/planner_tiles.js",
}
# The tile mode's scripts in load order (leaflet-maplibre-gl reads the global maplibregl).
TILE_JS: Final[tuple[str, ...]] = (
    "maplibre_gl_js",
    "maplibre_gl_leaflet_js",
    "yatou_planner_tiles_js",
)
TILE_CSS: Final[tuple[str, ...]] = ("maplibre_gl_css",)
_MIME: Final[dict[str, str]] = {".png": "image/png", ".svg": "image/svg+xml"}
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^)'\"]+)\1\s*\)")
_ATTR = "_yatou_asset_names"


class UnknownAssetError(ValueError):
    """A map element wants an asset that is not bundled under gis_service/static/."""


def leaflet_only(m: folium.Map) -> folium.Map:
    """Drop folium's default jQuery, Bootstrap and awesome-markers: our maps use none of them."""
    m.default_js = [("leaflet", ASSETS["leaflet"])]
    m.default_css = [("leaflet_css", ASSETS["leaflet_css"])]
    return m


def link_assets(m: folium.Map, static_url: str = "/static/") -> folium.Map:
    """Point every asset of the map at the service's static files under `static_url`."""
    base = static_url.rstrip("/") + "/"
    for name in _take_asset_names(m):
        url = html.escape(base + _versioned(ASSETS[name]), quote=True)
        tag = (
            f'<script src="{url}"></script>'
            if _is_js(name)
            else (f'<link rel="stylesheet" href="{url}"/>')
        )
        _header(m).add_child(RawText(tag), name=name)
    return m


def _versioned(path: str) -> str:
    """The path with `?v=<content hash>` unless its folder names a version (vendor/<lib>-<v>/).

    Such URLs are served as immutable (api/static_files.py): a second visit loads no script.
    """
    if path.startswith("vendor/"):
        return path
    return f"{path}?v={static_version(path)}"


def inline_assets(m: folium.Map) -> folium.Map:
    """Put the content of every asset into the page: the HTML then makes no request at all."""
    for name in _take_asset_names(m):
        text = _script(ASSETS[name]) if _is_js(name) else _style(ASSETS[name])
        _header(m).add_child(RawText(text), name=name)
    return m


def _take_asset_names(m: folium.Map) -> list[str]:
    """Asset names of every element (map first), emptied from their lists and remembered."""
    figure = m.get_root()
    names: list[str] = list(getattr(figure, _ATTR, []))
    for element in _walk(m):
        if isinstance(element, JSCSSMixin):
            for name, _url in [*element.default_css, *element.default_js]:
                if name not in ASSETS:
                    raise UnknownAssetError(f"asset {name!r} is not bundled in static/vendor")
                if name not in names:
                    names.append(name)
            # Instance attributes: the class lists are shared by every map in the process.
            element.default_js, element.default_css = [], []
    setattr(figure, _ATTR, names)
    for name in names:
        _header(m)._children.pop(name, None)
    return sorted(names, key=_is_js)  # stylesheets first, scripts in dependency order


def _walk(element: Element) -> list[Element]:
    """The element and all its descendants, parents before children."""
    out = [element]
    for child in element._children.values():
        out.extend(_walk(child))
    return out


def _header(m: folium.Map) -> Element:
    """The <head> of the map's figure."""
    figure = m.get_root()
    assert isinstance(figure, Figure), "a folium.Map always sits in a Figure"
    return figure.header


def _is_js(name: str) -> bool:
    """Whether the asset is a script (else a stylesheet)."""
    return ASSETS[name].endswith(".js")


@lru_cache(maxsize=32)
def _script(path: str) -> str:
    """A <script> element holding a bundled JS file."""
    return f"<script>/* {path} */\n{_safe_inline(path, _read_text(path))}\n</script>"


@lru_cache(maxsize=32)
def _style(path: str) -> str:
    """A <style> element holding a bundled CSS file, its images as data: URIs."""
    folder = PurePosixPath(path).parent

    def to_data_uri(match: re.Match[str]) -> str:
        ref = match.group(2)
        if ref.startswith(("#", "data:")):  # #default#VML is an old-IE behaviour, no request
            return match.group(0)
        target = str(folder / ref)
        mime = _MIME.get(PurePosixPath(ref).suffix)
        if mime is None or "://" in ref:
            raise UnknownAssetError(f"{path} refers to {ref!r}, which cannot be inlined")
        data = base64.b64encode(_read_bytes(target)).decode("ascii")
        return f'url("data:{mime};base64,{data}")'

    css = _CSS_URL.sub(to_data_uri, _read_text(path))
    return f"<style>/* {path} */\n{_safe_inline(path, css)}\n</style>"


def _safe_inline(path: str, text: str) -> str:
    """The text, refused when it could end its <script>/<style> element early."""
    lowered = text.lower()
    if "</script" in lowered or "</style" in lowered or "<!--" in lowered:
        raise UnknownAssetError(f"{path} contains markup that would break out when inlined")
    return text


def _read_text(path: str) -> str:
    """A bundled static file's text."""
    return _read_bytes(path).decode("utf-8")


def _read_bytes(path: str) -> bytes:
    """A bundled static file's bytes (package data, so this works from a wheel too)."""
    return files("gis_service").joinpath("static", *PurePosixPath(path).parts).read_bytes()


def inline_script(path: str) -> str:
    """A <script> element holding a file under static/ (for pages that are not folium maps)."""
    return _script(path)


def inline_style(path: str) -> str:
    """A <style> element holding a CSS file under static/, its images as data: URIs."""
    return _style(path)
