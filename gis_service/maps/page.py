"""A map's HTML page, rendered with exactly one template pass (issue 8).

branca renders a page in two passes: each element's macros produce text, which is wrapped
in `Element(text)` and rendered again as a Jinja template when the figure renders. Any
`{{ ... }}` in a value reaching a macro (a layer name, a tile attribution) would then run on
the server. Our data never reach a macro (`PlannerScript` emits plain text), and this module
removes the second pass for every other element too: after the elements have produced
their text, each such `Element` is replaced by `RawText` holding the same text.
"""

from __future__ import annotations

import folium
from branca.element import Element, Figure

from gis_service.maps.raw_text import RawText


def page_html(m: folium.Map) -> str:
    """The page of the map (assets as linked or inlined before), no text rendered twice."""
    figure = m.get_root()
    assert isinstance(figure, Figure), "a folium.Map always sits in a Figure"
    for child in list(figure._children.values()):
        child.render()
    for slot in (figure.header, figure.html, figure.script):
        _freeze(slot)
    html: str = figure._template.render(this=figure, kwargs={})
    return html


def _freeze(slot: Element) -> None:
    """Replace each child that would render its text as a template with that text as is."""
    for name, child in list(slot._children.items()):
        if type(child) is Element and child._template_str is not None:
            raw = RawText(child._template_str)
            raw._parent = slot
            slot._children[name] = raw
