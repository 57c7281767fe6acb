"""The folium element that runs planner.js over the map's layers with the embedded data."""

from __future__ import annotations

from typing import Any

import folium
from branca.element import Figure
from folium.elements import JSCSSMixin

from gis_service.maps.assets import ASSETS, TILE_CSS, TILE_JS
from gis_service.maps.raw_text import RawText
from gis_service.maps.safe_json import script_json


class PlannerScript(JSCSSMixin):
    """Calls YatouPlanner.init(map, layers, data); popups, legend and filters are built in JS.

    The data go in as escaped JSON and planner.js writes every value with textContent, so no
    text from the database is ever parsed as HTML (issue 5, "Text is text"). The call is
    built in Python and added as `RawText`, never through a Jinja macro: branca renders a
    macro's output a second time as template source, which ran stored names as code (issue 8).
    Its JS/CSS are linked or inlined by `maps.assets`, like every element's.
    """

    def __init__(
        self, data: dict[str, Any], layers: dict[str, folium.map.Layer], *, tiles: bool = False
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "PlannerScript"
        self.data = data
        self.data_json = script_json(data)
        self.layers = layers
        self.default_js = [("yatou_planner_js", ASSETS["yatou_planner_js"])]
        self.default_css = [("yatou_planner_css", ASSETS["yatou_planner_css"])]
        if tiles:  # MapLibre GL draws the parcels from the tiles (maps/tile_mode.py)
            self.default_js = [(n, ASSETS[n]) for n in TILE_JS] + self.default_js
            self.default_css = [(n, ASSETS[n]) for n in TILE_CSS] + self.default_css

    def render(self, **kwargs: Any) -> str:
        """Add the call to the page's script as plain text (no template pass at all).

        Returns "" like every macro element: its output lives in the figure's script.
        """
        figure = self.get_root()
        assert isinstance(figure, Figure), "a PlannerScript is rendered inside a map's Figure"
        figure.script.add_child(RawText(self.script()), name=self.get_name())
        return ""

    def script(self) -> str:
        """The JavaScript statement that starts planner.js on the map."""
        parent = self._parent
        assert parent is not None, "a PlannerScript is added to a map before it renders"
        return (
            f"var {self.get_name()} = YatouPlanner.init("
            f"{parent.get_name()}, {self.layers_js()}, {self.data_json});"
        )

    def layers_js(self) -> str:
        """A JS object literal naming the Leaflet layer variable of each role."""
        return (
            "{" + ",".join(f"{script_json(k)}:{v.get_name()}" for k, v in self.layers.items()) + "}"
        )
