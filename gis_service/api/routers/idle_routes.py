"""The investment team's workspace /idle and the edit page of any parcel (HTML)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from gis_service.api.deps import AsOfDep, CodePath, SessionDep, SettingsDep
from gis_service.api.error_responses import error_responses
from gis_service.api.errors import NotFound, Unauthorized
from gis_service.idle.pipeline import revitalisation
from gis_service.parcels.fields import INVESTMENT_FIELDS
from gis_service.parcels.plan_status import kpis_as_of
from gis_service.people.shell import ShellDep, render_page
from gis_service.repo import parcel_reads
from gis_service.rules.roles import edit_refusal

router = APIRouter(tags=["pages"])


@router.get(
    "/idle",
    response_class=HTMLResponse,
    summary="The idle buildings: map, list, editor, pipeline board (HTML)",
    responses=error_responses(401, 422),
)
def idle_page(
    session: SessionDep, settings: SettingsDep, as_of: AsOfDep, shell: ShellDep
) -> HTMLResponse:
    """The investment team's workspace; works at phone width."""
    # idle_page loads folium and pandas: on the first page, not at start-up (issue 10).
    from gis_service.idle.idle_page import as_script, idle_page_config

    role = shell.user.role if shell.user else None
    config = idle_page_config(
        session, role, as_of=as_of, today=settings.today_date(), settings=settings
    )
    return HTMLResponse(render_page("idle.html", shell, as_of=as_of, config=as_script(config)))


@router.get(
    "/api/idle/revitalisation",
    tags=["kpis"],
    summary="Revitalisation rate now, at the start of the year, and the gap to +15 %",
    responses=error_responses(401, 422),
)
def revitalisation_headline(
    session: SessionDep, settings: SettingsDep, as_of: AsOfDep
) -> dict[str, Any]:
    """The pipeline's headline, from the same KPIs as /api/kpis (T9, T9d)."""
    kpis = kpis_as_of(session, as_of, thresholds=settings.thresholds)
    return revitalisation(kpis).as_dict()


@router.get(
    "/parcels/{code}/edit",
    response_class=HTMLResponse,
    summary="The edit form of one parcel, for people allowed to edit it (HTML)",
    responses=error_responses(401, 403, 404),
)
def edit_page(
    session: SessionDep,
    settings: SettingsDep,
    shell: ShellDep,
    code: CodePath,
) -> HTMLResponse:
    """The editor of one parcel; 403 and no form for people who may not edit it."""
    from gis_service.idle.idle_page import as_script, editor_page_config

    if shell.user is None:
        raise Unauthorized("sign in to edit a parcel")  # a page: sent to the sign-in page
    row = parcel_reads.select_parcel(session, code)
    if row is None:
        raise NotFound(f"no parcel with code {code!r}", field="code")
    refusal = edit_refusal(
        shell.user.role, row["category"], (), investment_fields=INVESTMENT_FIELDS
    )
    day = settings.today_date()
    config = editor_page_config(shell.user.role, as_of=day, today=day, settings=settings)
    page = render_page(
        "edit.html",
        shell,
        as_of=None,
        code=code,
        name=row["name"],
        refusal=None if refusal is None else refusal[0],
        config=as_script(config | {"code": code}),
    )
    return HTMLResponse(page, status_code=200 if refusal is None else 403)
