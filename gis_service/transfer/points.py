"""Point rows of an import (issue 12: longitude/latitude columns, Gaode picks, KML placemarks).

Pure (no I/O). A parcel is stored with its outline, so a point cannot replace one: a point
row for an existing parcel updates its fields and keeps the outline (saying how far outside it
the point lies, if it does); a point row for a new parcel gets a square of a set side around
the point, marked approximate in the report. Metres are measured in an azimuthal equidistant
projection centred on the point, true to well under a centimetre over a parcel's size: its
distances and azimuths from the centre are the ellipsoid's geodesics, so a square's corners
are computed for whole arrays of points at once (the bulk path) as geodesics from each centre.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

import shapely
from pyproj import Geod, Transformer
from shapely.geometry import Point, shape

_GEOD = Geod(ellps="WGS84")
# Azimuths (degrees from north) of a square's corners seen from its centre, in the order of
# shapely's box(): (+x, -y), (+x, +y), (-x, +y), (-x, -y), then the first again to close it.
_CORNERS = np.array([135.0, 45.0, -45.0, -135.0, 135.0])


def square_around(lon: float, lat: float, side_m: float) -> dict[str, Any]:
    """A GeoJSON MultiPolygon: the square of `side_m` metres centred on a lon/lat point."""
    (square,) = squares_around(np.array([lon]), np.array([lat]), side_m)
    geojson: dict[str, Any] = json.loads(shapely.to_geojson(square))
    return geojson


def squares_around(lons: Any, lats: Any, side_m: float) -> Any:
    """MultiPolygons (an array): the square of `side_m` metres centred on each lon/lat point.

    A corner of the local square at (±h, ±h) metres lies h·√2 from the centre at azimuth
    ±45°/±135°; the azimuthal equidistant projection keeps both, so the corners are geodesics.
    """
    count = len(lons)
    reach = np.full(count * len(_CORNERS), side_m / 2 * np.sqrt(2))
    xs, ys, _ = _GEOD.fwd(
        np.repeat(lons, len(_CORNERS)),
        np.repeat(lats, len(_CORNERS)),
        np.tile(_CORNERS, count),
        reach,
    )
    rings = np.stack([xs, ys], axis=1).reshape(count, len(_CORNERS), 2)
    return shapely.multipolygons(shapely.polygons(rings)[:, np.newaxis])


def metres_outside(lon: float, lat: float, outline: dict[str, Any]) -> float:
    """How far (m) a lon/lat point lies outside a GeoJSON outline; 0 when inside or on it."""
    local = shapely.transform(shape(outline), _local(lon, lat, inverse=False))
    return float(local.distance(Point(0, 0)))


def _local(lon: float, lat: float, *, inverse: bool) -> Any:
    """Coordinates array → array, between lon/lat and metres around (lon, lat)."""
    local = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m"
    source, target = (local, "EPSG:4326") if inverse else ("EPSG:4326", local)
    transformer = Transformer.from_crs(source, target, always_xy=True)

    def move(coords: Any) -> Any:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return move
