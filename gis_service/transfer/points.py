"""Point rows of an import (issue 12: longitude/latitude columns, Gaode picks, KML placemarks).

Pure (no I/O). A parcel is stored with its outline, so a point cannot replace one: a point
row for an existing parcel updates its fields and keeps the outline (saying how far outside it
the point lies, if it does); a point row for a new parcel gets a square of a set side around
the point, marked approximate in the report. Metres are measured in an azimuthal equidistant
projection centred on the point, true to well under a centimetre over a parcel's size.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, box, shape


def square_around(lon: float, lat: float, side_m: float) -> dict[str, Any]:
    """A GeoJSON MultiPolygon: the square of `side_m` metres centred on a lon/lat point."""
    half = side_m / 2
    to_lonlat = _local(lon, lat, inverse=True)
    square = shapely.transform(box(-half, -half, half, half), to_lonlat)
    geojson: dict[str, Any] = json.loads(shapely.to_geojson(MultiPolygon([square])))
    return geojson


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
