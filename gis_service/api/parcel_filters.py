"""The query filters of `GET /api/parcels` as one dependency (DESIGN.md's names)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Final

from fastapi import Depends, Query

from gis_service.api.deps import on_event_loop
from gis_service.api.errors import InvalidInput
from gis_service.parcels.fields import ISO_DATE
from gis_service.parcels.parcel_input import parse_iso_date
from gis_service.repo.parcel_reads import ParcelQuery
from gis_service.rules.levels import Level
from gis_service.rules.stages import STAGES, Category

ALL_STAGES: Final[frozenset[str]] = frozenset(s for stages in STAGES.values() for s in stages)
DEFAULT_LIMIT: Final = 1000
MAX_LIMIT: Final = 10000
# A query parameter holding a whole ISO date.
ISO_DATE_QUERY: Final = f"^{ISO_DATE}$"


@dataclass(frozen=True)
class ParcelFilters:
    """What to list: database filters, the level filter (a rule), and the page."""

    query: ParcelQuery
    levels: frozenset[str] | None
    limit: int
    offset: int


def parse_bbox(text: str, field: str = "bbox") -> tuple[float, float, float, float]:
    """minlon,minlat,maxlon,maxlat in degrees; InvalidInput naming the parameter otherwise."""
    parts = text.split(",")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise InvalidInput(f"{field} must be four numbers minlon,minlat,maxlon,maxlat", field=field)
    minlon, minlat, maxlon, maxlat = numbers
    if not (-180 <= minlon <= maxlon <= 180 and -90 <= minlat <= maxlat <= 90):
        raise InvalidInput(
            f"{field} must be longitudes −180…180 and latitudes −90…90 with min ≤ max",
            field=field,
        )
    return minlon, minlat, maxlon, maxlat


def parse_levels(text: str, field: str = "level") -> frozenset[str]:
    """A comma list of risk levels; InvalidInput naming an unknown one."""
    levels = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(levels - {level.value for level in Level})
    if unknown or not levels:
        known = ", ".join(level.value for level in Level)
        raise InvalidInput(f"{field} must be a comma list of {known}", field=field)
    return levels


def parcel_filters(
    category: Annotated[Category | None, Query(description="Only this category.")] = None,
    stage: Annotated[str | None, Query(description="Only this stage (see DESIGN.md).")] = None,
    level: Annotated[
        str | None,
        Query(description="Only these risk levels as of the date, comma list: red,orange."),
    ] = None,
    community: Annotated[
        str | None, Query(max_length=200, description="Only parcels of this community.")
    ] = None,
    bbox: Annotated[
        str | None,
        Query(description="minlon,minlat,maxlon,maxlat (WGS84): parcels whose box meets it."),
    ] = None,
    q: Annotated[
        str | None,
        Query(min_length=1, max_length=200, description="Text in the name, code or note."),
    ] = None,
    deadline_from: Annotated[
        str | None, Query(pattern=ISO_DATE_QUERY, description="Deadline on or after (YYYY-MM-DD).")
    ] = None,
    deadline_to: Annotated[
        str | None, Query(pattern=ISO_DATE_QUERY, description="Deadline on or before (YYYY-MM-DD).")
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Page size (most {MAX_LIMIT}).")
    ] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, description="Features to skip (paging).")] = 0,
) -> ParcelFilters:
    """The filters of a parcel listing, each checked, the bad one named in a 422."""
    if stage is not None and stage not in ALL_STAGES:
        raise InvalidInput(f"stage must be one of {', '.join(sorted(ALL_STAGES))}", field="stage")
    query = ParcelQuery(
        category=category,
        stage=stage,
        # NUL (which text columns cannot hold) is refused at the edge: api/request_text.py.
        community=community,
        q=q,
        deadline_from=None
        if deadline_from is None
        else parse_iso_date(deadline_from, "deadline_from"),
        deadline_to=None if deadline_to is None else parse_iso_date(deadline_to, "deadline_to"),
        bbox=None if bbox is None else parse_bbox(bbox),
    )
    levels = None if level is None else parse_levels(level)
    return ParcelFilters(query=query, levels=levels, limit=limit, offset=offset)


FiltersDep = Annotated[ParcelFilters, Depends(on_event_loop(parcel_filters))]
