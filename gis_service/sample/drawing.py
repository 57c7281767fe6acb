"""Geometry of the sample: metric drawing (EPSG:4550), the 6-decimal grid, RFC 7946 output."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

import numpy as np

import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.polygon import orient

METRIC_CRS = "EPSG:4550"  # CGCS2000 3-degree Gauss-Kruger CM 123 E: metres, local
PRECISION = 1e-6  # degrees; RFC 7946 output is rounded to 6 decimals (about 0.1 m)

TO_METRIC = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
TO_WGS84 = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)


def to_metric(geom: Any) -> Any:
    """A WGS84 geometry in the metric drawing CRS."""
    return shapely.transform(geom, lambda xy: np.column_stack(TO_METRIC.transform(*xy.T)))


def to_wgs84(geom: Any) -> Any:
    """A metric geometry back in WGS84 longitude/latitude."""
    return shapely.transform(geom, lambda xy: np.column_stack(TO_WGS84.transform(*xy.T)))


def as_multipolygon(geom: Any) -> MultiPolygon:
    """Polygonal parts only, as one MultiPolygon (intersections can yield collections)."""
    parts = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon) and not g.is_empty]
    for g in getattr(geom, "geoms", []):
        if isinstance(g, MultiPolygon):
            parts.extend(g.geoms)
    return MultiPolygon(parts)


def snapped(geom: Any) -> MultiPolygon:
    """On the 6-decimal grid, valid and RFC 7946-oriented (exterior rings counterclockwise)."""
    # Plain vertex rounding keeps ring starts, so snapping snapped data changes nothing (the
    # land copy is read back on rebuilds); set_precision repairs the rare invalid result.
    grid = shapely.transform(geom, lambda xy: np.round(xy, 6))
    if not grid.is_valid:
        grid = shapely.set_precision(geom, PRECISION)
    multi = as_multipolygon(grid)
    return MultiPolygon([orient(p, sign=1.0) for p in multi.geoms])


def rounded_coords(value: Any) -> Any:
    """Coordinates of a GeoJSON mapping as lists, rounded to 6 decimals."""
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], float | int):
            return [round(float(v), 6) for v in value]
        return [rounded_coords(v) for v in value]
    return value


def geojson_geometry(geom: Any) -> dict[str, Any]:
    """A GeoJSON geometry dict with rounded coordinates; checks it survives the rounding."""
    gj = mapping(geom)
    result = {"type": gj["type"], "coordinates": rounded_coords(gj["coordinates"])}
    if geom.geom_type in ("Polygon", "MultiPolygon") and not shape(result).is_valid:
        raise ValueError("geometry became invalid when rounded")
    return result


def footprint(
    centre: tuple[float, float], width: float, depth: float, angle_deg: float,
    rng: random.Random, jitter: float = 0.07,
) -> Polygon:  # fmt: skip
    """A rectangle-like quadrilateral: corners nudged a little so shapes look surveyed."""
    hw, hd = width / 2, depth / 2
    corners = [(-hw, -hd), (hw, -hd), (hw, hd), (-hw, hd)]
    nudged = [
        (x + rng.uniform(-jitter, jitter) * width, y + rng.uniform(-jitter, jitter) * depth)
        for x, y in corners
    ]
    a = math.radians(angle_deg)
    cos_a, sin_a = math.cos(a), math.sin(a)
    cx, cy = centre
    return Polygon([(cx + x * cos_a - y * sin_a, cy + x * sin_a + y * cos_a) for x, y in nudged])


# Reference layers -----------------------------------------------------------------------


def read_land(source: Path) -> MultiPolygon:
    """The land polygon of the reference file (a Feature or a FeatureCollection of one)."""
    data = json.loads(source.read_text(encoding="utf-8"))
    feature = data["features"][0] if data["type"] == "FeatureCollection" else data
    return snapped(shape(feature["geometry"]))


def metric_point(lon: float, lat: float) -> tuple[float, float]:
    """A longitude/latitude point in the metric drawing CRS."""
    p = to_metric(Point(lon, lat))
    return (p.x, p.y)
