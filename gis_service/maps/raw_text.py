"""A page element whose text goes into the page as is: never compiled or rendered by Jinja."""

from __future__ import annotations

from typing import Any

from branca.element import Element


class RawText(Element):
    """Text added to a figure's header, body or script verbatim.

    branca's `Element(text)` compiles its text as a Jinja template and renders it when the
    page renders, so any `{{ ... }}` in it would run on the server (issue 8). This element
    has no template: `render` returns the text unchanged.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        """The text, untouched."""
        return self.text
