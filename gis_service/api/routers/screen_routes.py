"""The leadership large screen: its page (/screen) and the JSON it polls (/api/screen)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from gis_service.api.deps import AsOfDep, SessionDep, SettingsDep
from gis_service.api.error_responses import error_responses
from gis_service.api.http_cache import none_match
from gis_service.parcels.parcel_input import parse_iso_date
from gis_service.screen.bundle import PLAYBACK_END, data_tag, playback_frames, screen_data
from gis_service.screen.links import ScreenReaderDep
from gis_service.screen.screen_tiles import screen_tiled

router = APIRouter(tags=["screen"])

# How many answers (a date's screen, or the playback year) the process keeps at most.
ANSWERS_KEPT = 16


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
    # Both load folium (base layer, inlined assets): on the first page, not at start-up.
    from gis_service.screen.config import page_config
    from gis_service.screen.screen_page import render_screen_page

    config = page_config(session, settings, pinned=pinned, live=True)
    return HTMLResponse(render_screen_page(config))


IfNoneMatch = Annotated[
    str | None,
    Header(alias="If-None-Match", description="The ETag of the last answer: 304 if unchanged."),
]


@router.get(
    "/api/screen",
    summary="Everything the screen shows on a date (ETag; 304 on If-None-Match)",
    responses={**error_responses(401, 422), 304: {"description": "Unchanged since that ETag."}},
    response_class=JSONResponse,
)
def get_screen(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _reader: ScreenReaderDep,
    as_of: AsOfDep,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """KPI tiles, level counts, figures, the 督办 list and the parcels' levels on the date."""
    tag = data_tag(session, as_of, thresholds=settings.thresholds, kind="screen")
    if none_match(if_none_match, tag):
        return Response(status_code=304, headers={"ETag": tag})
    # Above map_embed_limit the page draws the parcels from tiles: no outlines in the JSON.
    outlines = not screen_tiled(session, settings)
    body = _remember(
        request,
        tag,
        lambda: screen_data(session, as_of, thresholds=settings.thresholds, outlines=outlines),
    )
    # Pollers must ask again each time rather than reuse a copy without asking.
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    return Response(body, media_type="application/json", headers=headers)


@router.get(
    "/api/screen/playback",
    summary="The plan's year a week at a time, for the screen's playback",
    responses=error_responses(401),
    response_class=JSONResponse,
)
def get_playback(
    request: Request, session: SessionDep, settings: SettingsDep, _reader: ScreenReaderDep
) -> Response:
    """One frame a week from 2021-01-01 to 2021-12-31: the figures and each parcel's level."""
    tag = data_tag(session, PLAYBACK_END, thresholds=settings.thresholds, kind="playback")
    levels = not screen_tiled(session, settings)
    frames = _remember(
        request,
        tag,
        lambda: playback_frames(session, thresholds=settings.thresholds, levels=levels),
    )
    return Response(frames, media_type="application/json", headers={"ETag": tag})


def _remember(request: Request, tag: str, build: Callable[[], dict[str, Any]]) -> bytes:
    """The JSON of a tag, built once: every kiosk asks for the same few (a fold is costly).

    The tag names the data it was built from, so a kept answer is never stale; the store is
    emptied when it grows past a few dates (a playback's year is one entry).
    """
    kept: dict[str, bytes] | None = getattr(request.app.state, "screen_answers", None)
    if kept is None:
        kept = request.app.state.screen_answers = {}
    if tag not in kept:
        if len(kept) >= ANSWERS_KEPT:
            kept.clear()
        kept[tag] = json.dumps(
            build(), ensure_ascii=False, allow_nan=False, separators=(",", ":")
        ).encode()
    return kept[tag]
