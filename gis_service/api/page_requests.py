"""Which GeoJSON page requests the page fast path answers (api/page_fast_path.py), parsed as
the routes parse them; None for any other, which the routes answer (issue 10 goal 1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from starlette.requests import Request
from starlette.types import Scope

from gis_service.api.errors import ServiceError
from gis_service.api.parcel_filters import ALL_STAGES, DEFAULT_LIMIT, MAX_LIMIT, parse_bbox
from gis_service.ogc.query import ItemsQuery, negotiate_format, parse_items_query
from gis_service.parcels.parcel_input import parse_iso_date
from gis_service.repo.parcel_reads import ParcelQuery
from gis_service.rules.stages import CATEGORIES
from gis_service.settings import Settings

PARCELS: Final = "/api/parcels"
_ITEMS: Final = re.compile(r"/ogc/collections/(?P<collection>[a-z_]+)/items")
# The parameters of /api/parcels taken here (the others: q, level, deadlines, go to the route).
_PARCEL_PARAMS: Final = frozenset(
    {"bbox", "limit", "offset", "category", "stage", "community", "as_of"}
)
# Whole numbers as the route's int parameters surely read them (other spellings: the route's).
_LIMIT: Final = re.compile(r"[1-9][0-9]{0,4}")
_OFFSET: Final = re.compile(r"0|[1-9][0-9]{0,8}")
_MOST_COMMUNITY: Final = 200  # the route's max_length


@dataclass(frozen=True)
class PlainPage:
    """A page request this layer may answer: its filters, date and paging; `items`, the OGC
    items request's parsed query (None for /api/parcels)."""

    query: ParcelQuery
    on: date
    limit: int
    offset: int
    collection: str | None = None
    items: ItemsQuery | None = None


def plain_page(scope: Scope, settings: Settings) -> PlainPage | None:
    """The page request in the plain form this layer answers, or None to pass it on."""
    if scope["method"] != "GET" or not settings.public_read:
        return None
    path = scope["path"]
    found = _ITEMS.fullmatch(path)
    if path != PARCELS and found is None:
        return None
    request = Request(scope)
    if "authorization" in request.headers:  # a token is checked by the routes (401 if bad)
        return None
    params = request.query_params.multi_items()
    try:
        if found is None:
            return _parcels_page(params, settings)
        return _items_page(found["collection"], params, request, settings)
    except ServiceError:  # the route's 422 or 400, in its words
        return None


def _parcels_page(params: list[tuple[str, str]], settings: Settings) -> PlainPage | None:
    """/api/parcels with only the parameters taken here, each as the route reads it."""
    values = dict(params)
    if len(values) != len(params) or not values.keys() <= _PARCEL_PARAMS:
        return None
    limit = values.get("limit", str(DEFAULT_LIMIT))
    offset = values.get("offset", "0")
    category, stage = values.get("category"), values.get("stage")
    community = values.get("community")
    if (
        _LIMIT.fullmatch(limit) is None
        or int(limit) > MAX_LIMIT
        or _OFFSET.fullmatch(offset) is None
        or (category is not None and category not in CATEGORIES)
        or (stage is not None and stage not in ALL_STAGES)
        or (community is not None and len(community) > _MOST_COMMUNITY)
    ):
        return None
    query = ParcelQuery(
        category=category,
        stage=stage,
        community=community,
        bbox=parse_bbox(values["bbox"]) if "bbox" in values else None,
    )
    as_of = values.get("as_of")
    on = settings.today_date() if as_of is None else parse_iso_date(as_of, "as_of")
    return PlainPage(query, on, int(limit), int(offset))


def _items_page(
    collection: str, params: list[tuple[str, str]], request: Request, settings: Settings
) -> PlainPage | None:
    """OGC items of a category collection, as GeoJSON, without a risk-level filter."""
    if collection not in CATEGORIES:  # the communities, or the route's 404
        return None
    items = parse_items_query(params, collection)
    fmt = negotiate_format(dict(params).get("f"), request.headers.get("accept"))
    if fmt != "json" or "level" in items.filters:
        return None
    query = ParcelQuery(
        category=collection,
        stage=items.filters.get("stage"),
        community=items.filters.get("community"),
        bbox=items.bbox,
    )
    on = items.as_of or settings.today_date()
    return PlainPage(query, on, items.limit, items.offset, collection, items)
