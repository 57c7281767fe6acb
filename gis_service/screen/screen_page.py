"""The screen's HTML: a fixed shell whose data travels as JSON in <script type=application/json>.

Nothing from the database is ever template source or markup: the template is ours, the data
is serialised by `maps.safe_json.script_json` into an inert JSON element and drawn by
static/js/screen.js with textContent.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Final

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from gis_service.maps.assets import inline_script, inline_style
from gis_service.maps.safe_json import script_json
from gis_service.screen.screen_tiles import TILE_SCRIPTS, TILE_STYLES

# The page's own files under static/, styles first, scripts in dependency order.
STYLES: Final = ("vendor/leaflet-1.9.3/leaflet.css", "css/screen.css")
SCRIPTS: Final = (
    "vendor/leaflet-1.9.3/leaflet.js",
    "vendor/echarts-5.6.0/echarts.min.js",
    "js/screen.js",
)


def render_screen_page(config: dict[str, Any], data: dict[str, Any] | None = None) -> str:
    """The live page: assets linked from /static/, data fetched by the page itself."""
    tiled = config.get("tiles") is not None  # MapLibre GL only where it draws (screen_tiles)
    style_paths = (*STYLES, *TILE_STYLES) if tiled else STYLES
    script_paths = (*SCRIPTS, *TILE_SCRIPTS) if tiled else SCRIPTS
    styles = [f'<link rel="stylesheet" href="/static/{p}">' for p in style_paths]
    scripts = [f'<script src="/static/{p}"></script>' for p in script_paths]
    return _render(config, data, styles, scripts)


def render_screen_file(config: dict[str, Any], data: dict[str, Any]) -> str:
    """A standalone page: every asset and the data inside it, so it opens from disk offline."""
    styles = [inline_style(p) for p in STYLES]
    return _render(config, data, styles, [inline_script(p) for p in SCRIPTS])


def _render(
    config: dict[str, Any], data: dict[str, Any] | None, styles: list[str], scripts: list[str]
) -> str:
    """Fill the shell: our assets as markup, the config and data as inert JSON."""
    template = _environment().get_template("screen.html")
    return template.render(
        # Our own static files, never data; scripts go last so the elements they fill exist.
        styles=Markup("\n".join(styles)),
        scripts=Markup("\n".join(scripts)),
        # JSON escaped by script_json: no `<`, `>` or `&` left to end the element early.
        config_json=Markup(script_json(config)),
        data_json=None if data is None else Markup(script_json(data)),
    )


@cache
def _environment() -> Environment:
    """The Jinja environment of templates/screen (autoescaping on)."""
    return Environment(
        loader=PackageLoader("gis_service", "templates/screen"),
        autoescape=select_autoescape(["html"]),
    )
