"""What counts as blank text: whitespace and invisible format characters only (issue 8)."""

from __future__ import annotations

import unicodedata


def is_blank(text: str) -> bool:
    """Whether the text shows nothing: only whitespace and format characters (Unicode Cf).

    Cf covers the zero-width space, joiners, word joiner, BOM (U+FEFF), soft hyphen and
    direction marks: a name made of them looks empty in every list, so it is refused as blank.
    """
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text)
