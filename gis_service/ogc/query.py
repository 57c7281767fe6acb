"""Query parameters of OGC API – Features requests, parsed into values or a 400 naming them.

Pure: no I/O. The spec (OGC 17-069r4, /req/core/query-param-unknown and -invalid) wants 400
for unknown or malformed parameters, so nothing here relies on FastAPI's 422 validation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final, Literal

from gis_service.api.errors import ServiceError
from gis_service.parcels.fields import ISO_DATE
from gis_service.rules.levels import Level
from gis_service.rules.stages import CATEGORIES, STAGES

Format = Literal["json", "html"]

COMMUNITIES: Final = "communities"
COLLECTION_IDS: Final[tuple[str, ...]] = (*CATEGORIES, COMMUNITIES)

_GDAL_DATE: Final = re.compile(f"{ISO_DATE}T")

DEFAULT_LIMIT: Final = 10
MAX_LIMIT: Final = 10_000

# Property filters each collection accepts as query parameters (its queryables).
PARCEL_FILTERS: Final[tuple[str, ...]] = ("stage", "community", "level")
COMMUNITY_FILTERS: Final[tuple[str, ...]] = ("kind",)
COMMUNITY_KINDS: Final[tuple[str, ...]] = ("community", "urban_village")
PAGING_PARAMS: Final[tuple[str, ...]] = ("f", "bbox", "limit", "offset", "datetime")

# Media types each format answers to, in the order of preference when Accept ties.
_FORMAT_TYPES: Final[dict[str, Format]] = {
    "application/geo+json": "json",
    "application/json": "json",
    "text/html": "html",
    "application/xhtml+xml": "html",
}


@dataclass(frozen=True)
class ItemsQuery:
    """What an items request asks for; `as_of` None means the service's today."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0
    bbox: tuple[float, float, float, float] | None = None
    as_of: date | None = None
    filters: dict[str, str] = field(default_factory=dict)


class BadParameter(ServiceError):
    """A query parameter is unknown or malformed (400, as OGC API – Features requires)."""

    status, code = 400, "invalid_parameter"


def filters_of(collection_id: str) -> tuple[str, ...]:
    """The property filters a collection accepts."""
    return COMMUNITY_FILTERS if collection_id == COMMUNITIES else PARCEL_FILTERS


def reject_unknown(names: Iterable[str], allowed: Iterable[str]) -> None:
    """Raise BadParameter naming the first query parameter not in the allowed set."""
    allowed_set = set(allowed)
    for name in names:
        if name not in allowed_set:
            known = ", ".join(sorted(allowed_set))
            raise BadParameter(
                f"unknown query parameter {name!r}; this resource accepts: {known}", field=name
            )


def parse_items_query(params: list[tuple[str, str]], collection_id: str) -> ItemsQuery:
    """Parse the query string of an items request for a collection."""
    filters = filters_of(collection_id)
    reject_unknown((name for name, _ in params), (*PAGING_PARAMS, *filters))
    values = _single_values(params)
    wanted = {name: values[name] for name in filters if name in values}
    for name, value in wanted.items():
        _check_filter(collection_id, name, value)
    return ItemsQuery(
        limit=min(_integer(values.get("limit"), "limit", DEFAULT_LIMIT, minimum=1), MAX_LIMIT),
        offset=_integer(values.get("offset"), "offset", 0, minimum=0),
        bbox=parse_bbox(values["bbox"]) if "bbox" in values else None,
        as_of=parse_datetime(values["datetime"]) if "datetime" in values else None,
        filters=wanted,
    )


def parse_item_query(params: list[tuple[str, str]]) -> date | None:
    """Parse the query string of a one-feature request: its as-of date, if any."""
    reject_unknown((name for name, _ in params), ("f", "datetime"))
    values = _single_values(params)
    return parse_datetime(values["datetime"]) if "datetime" in values else None


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """A CRS84 bbox `minlon,minlat,maxlon,maxlat` (a 3D bbox's heights are ignored)."""
    parts = text.split(",")
    if len(parts) not in (4, 6):
        raise BadParameter("bbox must be 4 numbers: minlon,minlat,maxlon,maxlat", field="bbox")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        raise BadParameter(
            f"bbox has a value that is not a number: {text!r}", field="bbox"
        ) from None
    if not all(math.isfinite(n) for n in numbers):
        raise BadParameter("bbox values must be finite numbers", field="bbox")
    # A 6-number bbox is minlon,minlat,minh,maxlon,maxlat,maxh (OGC 17-069r4 7.15.3).
    minlon, minlat, maxlon, maxlat = (
        numbers if len(numbers) == 4 else [numbers[i] for i in (0, 1, 3, 4)]
    )
    if not (-180 <= minlon <= maxlon <= 180 and -90 <= minlat <= maxlat <= 90):
        raise BadParameter(
            "bbox must be minlon,minlat,maxlon,maxlat in degrees with min ≤ max", field="bbox"
        )
    return minlon, minlat, maxlon, maxlat


def parse_datetime(text: str) -> date | None:
    """The as-of date a `datetime` value stands for: the instant, or an interval's end.

    Parcels are states that change over time, so "features valid in this interval" is read
    as "the state at the interval's end"; an open end (`..` or empty) means today (None).
    """
    if "/" not in text:
        return _instant(text)
    start_text, end_text = text.split("/", 1)
    start = None if start_text in ("", "..") else _instant(start_text)
    end = None if end_text in ("", "..") else _instant(end_text)
    if start is not None and end is not None and start > end:
        raise BadParameter("datetime interval ends before it starts", field="datetime")
    return end


def negotiate_format(f: str | None, accept: str | None) -> Format:
    """json or html: the `f` parameter wins, else the best Accept match, else json."""
    if f is not None:
        if f in ("json", "geojson"):
            return "json"
        if f == "html":
            return "html"
        raise BadParameter(f"f must be json or html, not {f!r}", field="f")
    best: tuple[float, Format] = (0.0, "json")
    for media, quality in _accepted(accept or ""):
        chosen = _FORMAT_TYPES.get(media)
        if chosen is not None and quality > best[0]:
            best = (quality, chosen)
    return best[1]


def _accepted(accept: str) -> list[tuple[str, float]]:
    """Media types of an Accept header with their q values (bad q counts as 0)."""
    result = []
    for item in accept.split(","):
        media, *options = (part.strip() for part in item.split(";"))
        quality = 1.0
        for option in options:
            name, _, value = option.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        result.append((media.lower(), quality))
    return result


def _single_values(params: list[tuple[str, str]]) -> dict[str, str]:
    """The query as a dict, refusing a parameter given twice (its meaning would be unclear)."""
    values: dict[str, str] = {}
    for name, value in params:
        if name in values:
            raise BadParameter(f"query parameter {name!r} is given more than once", field=name)
        values[name] = value
    return values


def _integer(text: str | None, name: str, default: int, *, minimum: int) -> int:
    """A whole-number parameter at least `minimum`, or the default when absent."""
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise BadParameter(f"{name} must be a whole number, not {text!r}", field=name) from None
    if value < minimum:
        raise BadParameter(f"{name} must be at least {minimum}", field=name)
    return value


def _instant(text: str) -> date:
    """The date of an RFC 3339 date or date-time (the zone's own calendar day)."""
    if _GDAL_DATE.fullmatch(text):
        # GDAL's OAPIF driver turns `-where "deadline >= '2021-06-01'"` into this form,
        # assuming datetime filters that field; here it is the as-of date, so refuse it
        # loudly rather than answer a different question (docs/ogc-api.md).
        raise BadParameter(
            f"datetime {text!r} is not RFC 3339; datetime picks the as-of date of the whole "
            "collection and does not filter a date property: filter dates on the client",
            field="datetime",
        )
    try:
        if "T" in text.upper():
            return datetime.fromisoformat(text.upper().replace("Z", "+00:00")).date()
        return date.fromisoformat(text)
    except ValueError:
        raise BadParameter(
            f"datetime must be an RFC 3339 date, date-time or interval, not {text!r}",
            field="datetime",
        ) from None


def _check_filter(collection_id: str, name: str, value: str) -> None:
    """Refuse filter values that cannot match by the rules (a stage of another category)."""
    allowed: tuple[str, ...] | None = None
    if name == "stage":
        allowed = STAGES[collection_id]
    elif name == "level":
        allowed = tuple(level.value for level in Level)
    elif name == "kind":
        allowed = COMMUNITY_KINDS
    if allowed is not None and value not in allowed:
        raise BadParameter(f"{name} must be one of {', '.join(allowed)}; got {value!r}", field=name)
