"""The plan's KPIs on a date, computed by the rules from the parcels' states on that date."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from gis_service.repo import parcel_reads
from gis_service.repo.parcel_reads import ParcelQuery
from gis_service.rules.kpis import BASELINE_DATE, Kpi, compute_kpis
from gis_service.rules.levels import RiskThresholds


def kpis_as_of(session: Session, on: date, *, thresholds: RiskThresholds) -> list[Kpi]:
    """Every KPI of the plan as of a date (T9's change is measured from 2021-01-01)."""
    everything = ParcelQuery()
    states = parcel_reads.select_parcels(session, everything, as_of=on, geometry=False)
    baseline = parcel_reads.select_parcels(session, everything, as_of=BASELINE_DATE, geometry=False)
    return compute_kpis(states, on, baseline=baseline, thresholds=thresholds)
