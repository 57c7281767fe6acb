"""What a report holds: titled tables (sections) and figures, the same for every format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from gis_service.rules.levels import LEVEL_COLOURS, LEVEL_LABELS_ZH, Level
from gis_service.rules.periods import Period

Cell = str | int | float | None

# A level in a table is its one-character name (红 橙 黄 蓝 绿 灰), coloured by every format.
LEVEL_SHORT_ZH: Final[dict[Level, str]] = {
    level: label.split()[0] for level, label in LEVEL_LABELS_ZH.items()
}
SHORT_LEVEL_COLOURS: Final[dict[str, str]] = {
    LEVEL_SHORT_ZH[level]: colour for level, colour in LEVEL_COLOURS.items()
}


@dataclass(frozen=True)
class Section:
    """One table of the report: an XLSX sheet, a block of the HTML page and of the PDF."""

    key: str  # the sheet name's ASCII twin, used in anchors and tests
    title_zh: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note_zh: str = ""
    level_column: int | None = None  # index of a column holding LEVEL_SHORT_ZH values
    group_column: int | None = None  # rows are grouped under this column's values


@dataclass(frozen=True)
class Figure:
    """A PNG image with its caption."""

    key: str
    caption_zh: str
    png: bytes
    after: str  # key of the section the figure follows


@dataclass(frozen=True)
class Report:
    """A whole report for one period, computed for the period's last day."""

    period: Period
    title_zh: str
    illustrative: bool
    sections: tuple[Section, ...]
    figures: tuple[Figure, ...] = field(default=())

    @property
    def as_of(self) -> date:
        """The day every figure is computed for."""
        return self.period.end

    def section(self, key: str) -> Section:
        """The section with this key (KeyError when absent)."""
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)


def number(value: float | int | Decimal) -> int | float:
    """A figure as tables show it: whole numbers as int, others rounded to one decimal."""
    exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    rounded = exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


def percent(actual: float, target: float) -> int | float | None:
    """Actual as a share of target, in % with one decimal; None without a target."""
    if target <= 0:
        return None
    return number(100 * Decimal(str(actual)) / Decimal(str(target)))


def cell_text(value: Cell) -> str:
    """A cell as text (HTML and PDF): empty cells as a dash."""
    if value is None or value == "":
        return "—"
    return str(value)
