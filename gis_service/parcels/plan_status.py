"""The plan's KPIs on a date, computed by the rules from the parcels' states on that date."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from gis_service.repo.kpi_facts import select_kpi_facts
from gis_service.rules.kpis import BASELINE_DATE, BASELINE_TARGETS, Kpi, compute_kpis
from gis_service.rules.levels import RiskThresholds


def kpis_as_of(session: Session, on: date, *, thresholds: RiskThresholds) -> list[Kpi]:
    """Every KPI of the plan as of a date (T9's change is measured from 2021-01-01)."""
    # The rules' fields of the parcels they count, not whole rows (issue 10 goal 6); of the
    # baseline, only the parcels whose baseline a measure reads.
    states = select_kpi_facts(session, as_of=on)
    baseline = select_kpi_facts(session, as_of=BASELINE_DATE, targets=BASELINE_TARGETS)
    return compute_kpis(states, on, baseline=baseline, thresholds=thresholds)
