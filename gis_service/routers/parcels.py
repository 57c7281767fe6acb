"""Parcels: list and read (GeoJSON), as of any date."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from gis_service import parcel_listing
from gis_service.deps import AsOfDep, SessionDep, SettingsDep
from gis_service.features import feature_collection
from gis_service.repo.parcel_reads import ParcelQuery

router = APIRouter(prefix="/api/parcels", tags=["parcels"])

Category = Literal["demolition_area", "old_compound", "idle_building", "key_project"]
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "No parcel with this code (as of the date)."},
    422: {"description": "A query parameter is malformed; the body names it."},
}


@router.get("", summary="Parcels as a GeoJSON FeatureCollection", responses=ERROR_RESPONSES)
def list_parcels(
    session: SessionDep,
    settings: SettingsDep,
    as_of: AsOfDep,
    category: Annotated[Category | None, Query(description="Only this category.")] = None,
) -> dict[str, Any]:
    """Every live parcel matching the filters, with its risk level as of the date."""
    page = parcel_listing.list_features(
        session, ParcelQuery(category=category), on=as_of, thresholds=settings.thresholds
    )
    return feature_collection(
        page.features, numberMatched=page.number_matched, numberReturned=len(page.features)
    )


@router.get("/{code}", summary="One parcel as a GeoJSON Feature", responses=ERROR_RESPONSES)
def get_parcel(
    code: str, session: SessionDep, settings: SettingsDep, as_of: AsOfDep
) -> dict[str, Any]:
    """One parcel by code, with its risk level as of the date."""
    return parcel_listing.get_feature(session, code, on=as_of, thresholds=settings.thresholds)
