"""The leadership large screen: its page (/screen) and the JSON it polls (/api/screen)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse

from gis_service.api_responses import error_responses
from gis_service.deps import AsOfDep, SessionDep, SettingsDep
from gis_service.parcel_input import parse_iso_date
from gis_service.screen.bundle import playback_frames, screen_data
from gis_service.screen.config import page_config
from gis_service.screen.links import ScreenReaderDep
from gis_service.screen.page import render_screen_page

router = APIRouter(tags=["screen"])


def _pinned(
    as_of: Annotated[
        str | None,
        Query(description="Pin the screen to this date (YYYY-MM-DD); live today when absent."),
    ] = None,
) -> date | None:
    """The date the page is pinned to, if any."""
    return None if as_of is None else parse_iso_date(as_of, "as_of")


@router.get(
    "/screen",
    response_class=HTMLResponse,
    summary="The leadership large screen (HTML, 1920×1080 to 3840×2160)",
    responses=error_responses(401, 422),
)
def screen_page(
    session: SessionDep,
    settings: SettingsDep,
    _reader: ScreenReaderDep,
    pinned: Annotated[date | None, Depends(_pinned)],
) -> HTMLResponse:
    """The page; it fetches /api/screen itself and refreshes on `screen_refresh_seconds`."""
    config = page_config(session, settings, pinned=pinned, live=True)
    return HTMLResponse(render_screen_page(config))


@router.get(
    "/api/screen",
    summary="Everything the screen shows on a date (ETag; 304 on If-None-Match)",
    responses=error_responses(401, 422),
)
def get_screen(
    session: SessionDep, settings: SettingsDep, _reader: ScreenReaderDep, as_of: AsOfDep
) -> dict[str, Any]:
    """KPI tiles, level counts, figures, the 督办 list and the parcels' levels on the date."""
    return screen_data(session, as_of, thresholds=settings.thresholds)


@router.get(
    "/api/screen/playback",
    summary="The plan's year a week at a time, for the screen's playback",
    responses=error_responses(401),
)
def get_playback(
    session: SessionDep, settings: SettingsDep, _reader: ScreenReaderDep
) -> dict[str, Any]:
    """One frame a week from 2021-01-01 to 2021-12-31: the figures and each parcel's level."""
    return playback_frames(session, thresholds=settings.thresholds)
