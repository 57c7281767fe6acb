"""Text that a spreadsheet would run as a formula (=, +, -, @ first) kept as text.

Stored text is data: a note "=HYPERLINK(…)" must not become a live formula when the 台账 or a
CSV export is opened in Excel (OWASP "CSV injection"). XLSX cells are typed as strings; CSV
has no types, so such text is written with a leading apostrophe, Excel's own "this is text"
mark, and the import takes that apostrophe off again, so a round trip changes nothing. Text
that already starts with apostrophes before a formula mark ('=x) gets one more, so the import's
removal gives it back as it was.
"""

from __future__ import annotations

from typing import Any, Final

FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    """Whether a value is text a spreadsheet would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_text(value: Any) -> Any:
    """A CSV cell: formula-like text (after any apostrophes) behind one more apostrophe."""
    return "'" + value if _escaped(value) else value


def from_csv_text(value: str) -> str:
    """A CSV cell read back: the apostrophe `csv_text` added taken off again."""
    return value[1:] if value.startswith("'") and _escaped(value) else value


def _escaped(value: Any) -> bool:
    """Whether text is formula-like once its leading apostrophes are set aside."""
    return isinstance(value, str) and is_formula_like(value.lstrip("'"))
