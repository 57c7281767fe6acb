"""Vector tiles of the parcels (Mapbox Vector Tiles, WebMercatorQuad), as of any date.

Two paths serve the same tiles: `/api/tiles/{z}/{x}/{y}.mvt` (every category, or one) and the
OGC API – Tiles form `/ogc/collections/{collectionId}/tiles/WebMercatorQuad/{z}/{x}/{y}`.
Tiles carry strong ETags and are cached per worker under a key that every write changes.
A URL with `v=<data version>` is immutable (gis_service.api.tile_http); the maps' tile URLs
carry it, and a cached one is answered by gis_service.api.tile_fast_path before this router.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from sqlalchemy.orm import Session

from gis_service.api.deps import AsOfDep, SessionDep, SettingsDep
from gis_service.api.error_responses import error_responses
from gis_service.api.errors import InvalidInput, NotFound
from gis_service.api.tile_http import MVT, app_tile_cache, held, tile_headers
from gis_service.maps.tile_grid import Tile, tile_etag, tile_problem
from gis_service.repo import parcel_reads, parcel_tiles
from gis_service.rules.stages import CATEGORIES, Category
from gis_service.settings import Settings

router = APIRouter(tags=["tiles"])

TILE_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    200: {"content": {MVT: {}}, "description": "The tile (layer `parcels`)."}
}


@dataclass(frozen=True)
class TileAsk:
    """What every tile request brings besides the tile's address: session, date, ETag held,
    and the data version the URL names (None for a URL without `v`)."""

    request: Request
    session: Session
    settings: Settings
    on: date
    if_none_match: str | None
    version: int | None = None


def _tile_ask(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    as_of: AsOfDep,
    if_none_match: Annotated[
        str | None, Header(alias="If-None-Match", description="The ETag of a tile you hold.")
    ] = None,
    v: Annotated[
        int | None,
        Query(
            ge=0,
            description="The data version the URL was made for (the maps' tile URLs carry "
            "it): the answer is then immutable while that version is current.",
        ),
    ] = None,
) -> TileAsk:
    """Dependency: the common inputs of a tile request (read access is on the router)."""
    return TileAsk(request, session, settings, as_of, if_none_match, v)


TileAskDep = Annotated[TileAsk, Depends(_tile_ask)]


@router.get(
    "/api/tiles/{z}/{x}/{y}.mvt",
    summary="A vector tile of the parcels (MVT, layer `parcels`), as of a date",
    response_class=Response,
    responses=TILE_RESPONSES | error_responses(401, 422),
)
def api_tile(
    z: int,
    x: int,
    y: int,
    ask: TileAskDep,
    category: Annotated[Category | None, Query(description="Only this category.")] = None,
) -> Response:
    """Parcels in a WebMercatorQuad tile with code, name, stage, progress, level, deadline."""
    return tile_response(ask, Tile(z, x, y), category)


@router.get(
    "/ogc/collections/{collectionId}/tiles/WebMercatorQuad/{z}/{x}/{y}",
    summary="A vector tile of a collection (OGC API – Tiles, MVT)",
    response_class=Response,
    responses=TILE_RESPONSES | error_responses(401, 404, 422),
)
def ogc_tile(
    collection_id: Annotated[str, Path(alias="collectionId", description="A parcel category.")],
    z: int,
    x: int,
    y: int,
    ask: TileAskDep,
) -> Response:
    """The tile of one category collection (communities have no tiles)."""
    if collection_id not in CATEGORIES:
        raise NotFound(f"no tiles for collection {collection_id!r}", field="collectionId")
    return tile_response(ask, Tile(z, x, y), collection_id)


def tile_response(ask: TileAsk, tile: Tile, category: str | None) -> Response:
    """The tile, 304 when the client's ETag is current, from the cache when built before."""
    problem = tile_problem(tile.z, tile.x, tile.y)
    if problem is not None:
        raise InvalidInput(problem[1], field=problem[0])
    thresholds = ask.settings.thresholds
    stamp = parcel_reads.data_stamp(ask.session)  # version and fold decision, one statement
    tag = tile_etag(stamp.version, tile, ask.on, category, thresholds)
    # Only a URL naming the current version is immutable: an older page's URL gets today's
    # data, to be revalidated (its own content can no longer be built).
    current = ask.version == stamp.version
    headers = tile_headers(tag, immutable=current, shared=ask.settings.public_read)
    if held(ask.if_none_match, tag):
        return Response(status_code=304, headers=headers)
    cache = app_tile_cache(ask.request.app.state, ask.settings.tile_cache_size)
    body = parcel_tiles.cached_tile(
        ask.session,
        cache,
        tag,
        tile,
        category=category,
        on=ask.on,
        thresholds=thresholds,
        stamp=stamp,
    )
    return Response(body, media_type=MVT, headers=headers)
