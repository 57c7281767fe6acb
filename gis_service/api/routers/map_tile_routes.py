"""What a map drawn from vector tiles asks besides the tiles: one parcel's popup record."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from gis_service.api.deps import AsOfDep, CodePath, SessionDep, SettingsDep
from gis_service.api.error_responses import error_responses
from gis_service.parcels import listing

router = APIRouter(tags=["pages"])


@router.get(
    "/map/parcels/{code}",
    summary="One parcel's popup on the planners' map, as of a date (JSON)",
    responses=error_responses(401, 404, 422),
)
def map_popup(
    code: CodePath, session: SessionDep, settings: SettingsDep, as_of: AsOfDep
) -> dict[str, Any]:
    """The record planner.js builds a popup from, as the map embeds it below the limit."""
    from gis_service.maps.payload import slim_parcel  # the maps load on first use

    feature = listing.get_feature(
        session, code, on=as_of, thresholds=settings.thresholds, outline="none"
    )
    record = slim_parcel(feature, as_of, transform=None, points=False)
    record.pop("geometry")
    return record
