"""The parcels' vector tiles for the screen, readable with a kiosk key like /api/screen."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from gis_service.api.error_responses import error_responses
from gis_service.api.routers.tile_routes import TILE_RESPONSES, TileAskDep, tile_response
from gis_service.maps.tile_grid import Tile
from gis_service.screen.links import screen_reader

# The screen checks its own readers (READ_ACCESS or a live kiosk key): a kiosk link opens
# /screen, /api/screen and these tiles, nothing else.
router = APIRouter(tags=["screen"], dependencies=[Depends(screen_reader)])


@router.get(
    "/api/screen/tiles/{z}/{x}/{y}.mvt",
    summary="A vector tile of the parcels for the screen (MVT, layer `parcels`)",
    response_class=Response,
    responses=TILE_RESPONSES | error_responses(401, 422),
)
def screen_tile(z: int, y: int, x: int, ask: TileAskDep) -> Response:
    """The same tile as /api/tiles/{z}/{x}/{y}.mvt (every category), as of a date."""
    return tile_response(ask, Tile(z, x, y), None)
