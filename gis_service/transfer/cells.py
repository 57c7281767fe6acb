"""One cell of a file turned into a field's JSON value: numbers, dates, phrases, lists.

Pure (no I/O). Dates accept real dates, Excel serial numbers and every phrase the plan's
phrase rule reads (2月底, 6月底前, 9月份, 年底, 年内, 利用3年时间, 2021年6月30日, 2021-06-30),
with the plan year given. A cell that cannot be read raises CellError with the reason; the
caller turns it into a refused row naming the field and the value.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any, Final

import pandas as pd

from gis_service.parcels.fields import FIELD_KINDS
from gis_service.rules.phrases import DeadlinePhraseError, parse_deadline_phrase

EXCEL_EPOCH: Final = date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's 1900 leap-year bug)
# Serials 1950-01-01 … 2100-12-31: a bare number outside is not taken as a date.
SERIAL_RANGE: Final = (18264, 73415)
_SLASHED: Final = re.compile(r"([0-9]{4})[/.]([0-9]{1,2})[/.]([0-9]{1,2})")
_TRUE: Final = frozenset({"true", "1", "是", "yes", "y", "t"})
_FALSE: Final = frozenset({"false", "0", "否", "no", "n", "f"})


class CellError(ValueError):
    """A cell that does not hold a value of its field's kind; the message says why."""


def is_blank(value: Any) -> bool:
    """Whether a cell is empty (None, blank text, NaN from a data frame)."""
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and not value.strip()


def cell_value(field: str, value: Any, *, year: int) -> Any:
    """A cell as the JSON value of a field (dates as ISO text); None for a blank cell."""
    if hasattr(value, "tolist"):  # numpy arrays and scalars from a data frame
        value = value.tolist()
    if is_blank(value):
        return None
    kind = FIELD_KINDS.get(field, "text")  # `code` is text, kept outside FIELD_KINDS
    if kind == "text":
        return _text(value)
    if kind in ("int", "number"):
        return _number(value, whole=kind == "int")
    if kind == "date":
        return cell_date(value, year=year).isoformat()
    if kind == "bool":
        return _bool(value)
    if kind == "text_list":
        return _text_list(value)
    if kind == "milestones":
        return _milestones(value)
    raise CellError(f"{field} is not read from a cell")


def cell_date(value: Any, *, year: int) -> date:
    """A date from a date cell, an Excel serial, or text the phrase rule reads."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(f"{value!r} is not a date (nor an Excel date serial)")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = text[:10] if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ].*", text) else text
    slashed = _SLASHED.fullmatch(text)
    if slashed:
        text = f"{slashed[1]}-{int(slashed[2]):02d}-{int(slashed[3]):02d}"
    try:
        return parse_deadline_phrase(text, year)
    except DeadlinePhraseError as error:
        raise CellError(f"{value!r} is not a date or a deadline phrase ({error})") from None


def _text(value: Any) -> str:
    """Text of a cell; whole numbers lose Excel's '.0' (a code typed as 101 stays '101')."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value).strip()


def _number(value: Any, *, whole: bool) -> int | float:
    """A number from a numeric cell or text like '12,000', '45%' or '３０'."""
    if isinstance(value, bool):
        raise CellError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
        text = text.removesuffix("%").strip()
        try:
            number = float(text)
        except ValueError:
            raise CellError(f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise CellError(f"{value!r} is not a finite number")
    if whole:
        if not number.is_integer():
            raise CellError(f"{value!r} is not a whole number")
        return int(number)
    return int(number) if number.is_integer() else number


def _bool(value: Any) -> bool:
    """是/否, true/false, 1/0."""
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(f"{value!r} is not 是/否 or true/false")


def _text_list(value: Any) -> list[str]:
    """A list from a list or from text separated by commas or 、."""
    if isinstance(value, list):
        return [str(item) for item in value]
    text = str(value)
    if text.startswith("["):
        try:
            return [str(item) for item in json.loads(text)]
        except (ValueError, TypeError):
            raise CellError(f"{value!r} is not a list") from None
    return [part.strip() for part in re.split(r"[,，、;；]", text) if part.strip()]


def _milestones(value: Any) -> list[Any]:
    """Milestones from a list or from their JSON text (as exports write them)."""
    if isinstance(value, list):
        return value
    try:
        parsed = json.loads(str(value))
    except ValueError:
        raise CellError("milestones must be the JSON list an export writes") from None
    if not isinstance(parsed, list):
        raise CellError("milestones must be a JSON list")
    return parsed
