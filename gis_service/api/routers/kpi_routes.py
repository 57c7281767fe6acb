"""KPIs of the plan: target against actual on any date."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from gis_service.api.deps import AsOfDep, SessionDep, SettingsDep
from gis_service.parcels.plan_status import kpis_as_of

router = APIRouter(prefix="/api/kpis", tags=["kpis"])


@router.get(
    "",
    summary="The plan's KPIs as of a date",
    responses={422: {"description": "as_of is not an ISO date; the body names it."}},
)
def get_kpis(session: SessionDep, settings: SettingsDep, as_of: AsOfDep) -> dict[str, Any]:
    """Each target of the plan with its actual value, deadline and risk level on the date."""
    kpis = kpis_as_of(session, as_of, thresholds=settings.thresholds)
    return {"as_of": as_of.isoformat(), "kpis": [kpi.as_dict() for kpi in kpis]}
