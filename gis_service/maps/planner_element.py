"""The folium element that runs planner.js over the map's layers with the embedded data."""

from __future__ import annotations

from typing import Any

import folium
from folium.elements import JSCSSMixin
from folium.template import Template

from gis_service.maps.assets import ASSETS
from gis_service.maps.safe_json import script_json


class PlannerScript(JSCSSMixin):
    """Calls YatouPlanner.init(map, layers, data); popups, legend and filters are built in JS.

    The data go in as escaped JSON and planner.js writes every value with textContent, so no
    text from the database is ever parsed as HTML (issue 5, "Text is text").
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = YatouPlanner.init(
                {{ this._parent.get_name() }},
                {{ this.layers_js() }},
                {{ this.data_json }}
            );
        {% endmacro %}
        """
    )

    def __init__(self, data: dict[str, Any], layers: dict[str, folium.map.Layer]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "PlannerScript"
        self.data = data
        self.data_json = script_json(data)
        self.layers = layers
        self.default_js = [("yatou_planner_js", ASSETS["yatou_planner_js"])]
        self.default_css = [("yatou_planner_css", ASSETS["yatou_planner_css"])]

    def layers_js(self) -> str:
        """A JS object literal naming the Leaflet layer variable of each role."""
        return (
            "{" + ",".join(f"{script_json(k)}:{v.get_name()}" for k, v in self.layers.items()) + "}"
        )
