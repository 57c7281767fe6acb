"""KPIs of the plan: target against actual on any date."""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from gis_service.api.deps import AsOfDep, SessionDep, SettingsDep
from gis_service.api.overload import busy_response
from gis_service.parcels.kpi_cache import KpiCache
from gis_service.parcels.plan_status import kpis_as_of
from gis_service.repo import parcel_reads

router = APIRouter(prefix="/api/kpis", tags=["kpis"])

# Answers each worker keeps: a few dates asked (today, the screen's, quarter ends).
KEPT_ANSWERS: Final = 32


@router.get(
    "",
    summary="The plan's KPIs as of a date",
    response_model=dict[str, Any],
    responses={
        422: {"description": "as_of is not an ISO date; the body names it."},
        503: {"description": "Being computed for another request; retry (`Retry-After`)."},
    },
)
def get_kpis(
    request: Request, session: SessionDep, settings: SettingsDep, as_of: AsOfDep
) -> Response:
    """Each target of the plan with its actual value, deadline and risk level on the date."""
    version = parcel_reads.data_stamp(session).version
    # End the read's transaction (nothing is written): its connection goes back to the pool
    # rather than idle while this request waits for another one's computation.
    session.commit()
    key = (as_of, version, settings.thresholds)
    kpis = _cache(request).get(
        key,
        lambda: kpis_as_of(session, as_of, thresholds=settings.thresholds),
        wait=settings.queue_timeout,
    )
    if kpis is None:
        return busy_response()
    return JSONResponse({"as_of": as_of.isoformat(), "kpis": [kpi.as_dict() for kpi in kpis]})


def _cache(request: Request) -> KpiCache:
    """The app's KPI cache (made on first use)."""
    cache: KpiCache | None = getattr(request.app.state, "kpi_cache", None)
    if cache is None:
        cache = request.app.state.kpi_cache = KpiCache(KEPT_ANSWERS)
    return cache
