"""Vector tiles of the parcels (Mapbox Vector Tiles, WebMercatorQuad), as of any date.

Two paths serve the same tiles: `/api/tiles/{z}/{x}/{y}.mvt` (every category, or one) and the
OGC API – Tiles form `/ogc/collections/{collectionId}/tiles/WebMercatorQuad/{z}/{x}/{y}`.
Tiles carry strong ETags and are cached per worker under a key that every write changes.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Header, Path, Query, Request, Response

from gis_service.api_responses import error_responses
from gis_service.auth import ReaderDep
from gis_service.deps import AsOfDep, SessionDep, SettingsDep
from gis_service.errors import InvalidInput, NotFound
from gis_service.repo import parcel_tiles
from gis_service.repo.parcel_reads import ParcelQuery
from gis_service.rules.stages import CATEGORIES
from gis_service.settings import Settings
from gis_service.tiles import Tile, TileCache, tile_etag, tile_problem

router = APIRouter(tags=["tiles"])

MVT: Final = "application/vnd.mapbox-vector-tile"
Category = Literal["demolition_area", "old_compound", "idle_building", "key_project"]
TILE_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    200: {"content": {MVT: {}}, "description": "The tile (layer `parcels`)."}
}
IfNoneMatch = Annotated[
    str | None, Header(alias="If-None-Match", description="The ETag of a tile you hold.")
]


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
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _reader: ReaderDep,
    as_of: AsOfDep,
    if_none_match: IfNoneMatch = None,
    category: Annotated[Category | None, Query(description="Only this category.")] = None,
) -> Response:
    """Parcels in a WebMercatorQuad tile with code, name, stage, progress, level, deadline."""
    return _tile_response(request, session, settings, Tile(z, x, y), as_of, category, if_none_match)


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
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _reader: ReaderDep,
    as_of: AsOfDep,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The tile of one category collection (communities have no tiles)."""
    if collection_id not in CATEGORIES:
        raise NotFound(f"no tiles for collection {collection_id!r}", field="collectionId")
    return _tile_response(
        request, session, settings, Tile(z, x, y), as_of, collection_id, if_none_match
    )


def _tile_response(
    request: Request,
    session: SessionDep,
    settings: Settings,
    tile: Tile,
    on: date,
    category: str | None,
    if_none_match: str | None,
) -> Response:
    """The tile, 304 when the client's ETag is current, from the cache when built before."""
    problem = tile_problem(tile.z, tile.x, tile.y)
    if problem is not None:
        raise InvalidInput(problem[1], field=problem[0])
    version = parcel_tiles.data_version(session)
    tag = tile_etag(version, tile, on, category, settings.thresholds)
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if if_none_match is not None and tag in [t.strip() for t in if_none_match.split(",")]:
        return Response(status_code=304, headers=headers)
    cache = _cache(request, settings)
    body = cache.get(tag)
    if body is None:
        body = parcel_tiles.parcels_tile(
            session, tile, query=ParcelQuery(category=category), on=on,
            thresholds=settings.thresholds,
        )  # fmt: skip
        cache.put(tag, body)
    return Response(body, media_type=MVT, headers=headers)


def _cache(request: Request, settings: Settings) -> TileCache:
    """The app's tile cache (made on first use)."""
    cache: TileCache | None = getattr(request.app.state, "tile_cache", None)
    if cache is None:
        cache = request.app.state.tile_cache = TileCache(settings.tile_cache_size)
    return cache
