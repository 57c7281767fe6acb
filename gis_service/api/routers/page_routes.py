"""HTML pages: the planners' progress map."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from gis_service.api.deps import AsOfDep, SessionDep, SettingsDep
from gis_service.api.error_responses import error_responses
from gis_service.api.errors import NotFound
from gis_service.api.routers.photo_routes import photo_json
from gis_service.maps.parcel_page import render_history
from gis_service.people.shell import ShellDep, wrap_map_page
from gis_service.repo import parcel_reads, photos
from gis_service.rules.stages import Category

router = APIRouter(tags=["pages"])


@router.get(
    "/map",
    response_class=HTMLResponse,
    summary="The planners' progress map (HTML)",
    responses=error_responses(401, 422),
)
def planner_map(
    session: SessionDep,
    settings: SettingsDep,
    as_of: AsOfDep,
    shell: ShellDep,
    colour: Annotated[
        Literal["level", "stage"], Query(description="Colour parcels by risk level or by stage.")
    ] = "level",
    category: Annotated[Category | None, Query(description="Only this category.")] = None,
    community: Annotated[str | None, Query(description="Only this community.")] = None,
) -> HTMLResponse:
    """The interactive map of the parcels as of a date, every asset served by this service."""
    # folium and pandas load on the first map, not at start-up (issue 10: /healthz in 1.5 s).
    from gis_service.maps import map_data
    from gis_service.maps.assets import link_assets
    from gis_service.maps.page import page_html

    inputs = map_data.gather(
        session, settings, as_of=as_of, category=category, community=community, tiles=True
    )
    m = map_data.planner_map(inputs, settings, colour=colour, history_url="/parcels/{code}/history")
    page = page_html(link_assets(m))
    return HTMLResponse(wrap_map_page(page, shell, as_of=as_of))


@router.get(
    "/parcels/{code}/history",
    response_class=HTMLResponse,
    summary="A parcel's facts and every recorded change (HTML)",
    responses=error_responses(401, 404),
)
def history_page(code: str, session: SessionDep, shell: ShellDep) -> HTMLResponse:
    """The history of one parcel as a page for people (JSON: /api/parcels/{code}/history)."""
    events = parcel_reads.select_history(session, code)
    if not events:
        raise NotFound(f"no parcel with code {code!r}", field="code")
    current = parcel_reads.select_parcel(session, code)
    shown = [photo_json(row) for row in photos.list_photos(session, code)] if current else []
    return HTMLResponse(render_history(code, events, current, shell, shown))
