"""An export: the parcels matching the filters as of a date, in one file format."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from gis_service.api.parcel_filters import ParcelFilters
from gis_service.parcels import listing as parcel_listing
from gis_service.parcels.plan_status import kpis_as_of
from gis_service.settings import Settings
from gis_service.transfer.exporters import export_bytes


def export_parcels(
    session: Session, fmt: str, *, filters: ParcelFilters, on: date, settings: Settings
) -> bytes:
    """The file's bytes: every matching parcel (not paged) as of the date."""
    page = parcel_listing.list_features(
        session,
        filters.query,
        on=on,
        thresholds=settings.thresholds,
        levels=filters.levels,
        outline="object",  # the writers need outlines as objects, not spliced text
    )
    kpis = []
    if fmt == "xlsx":
        kpis = [k.as_dict() for k in kpis_as_of(session, on, thresholds=settings.thresholds)]
    return export_bytes(page.features, fmt, kpis=kpis, as_of=on.isoformat())
