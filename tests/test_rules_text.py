"""Blank text (issue 8): whitespace and invisible format characters only."""

from __future__ import annotations

import pytest

from gis_service.rules.text import is_blank


@pytest.mark.parametrize(
    "text", ["", " ", "\u200b", "\ufeff", "\u200b\u200c\u200d\u2060", " \ufeff\t\u00ad\u200e"]
)
def test_blank(text: str) -> None:
    assert is_blank(text)


@pytest.mark.parametrize("text", ["a", "\u200b崖头", "0", "\ufeffx", "·"])
def test_not_blank(text: str) -> None:
    assert not is_blank(text)
