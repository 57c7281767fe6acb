"""Pure geometry helpers for the maps: coordinate rounding, shifting and label points."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shapely.geometry import shape

Transform = Callable[[float, float], tuple[float, float]]

# 6 decimals of a degree are about 0.1 m: survey precision, and a third fewer bytes than floats.
COORD_DECIMALS = 6


def prepare_geometry(
    geometry: dict[str, Any] | None,
    transform: Transform | None = None,
    decimals: int = COORD_DECIMALS,
) -> dict[str, Any] | None:
    """A GeoJSON geometry with every position shifted (optionally) and rounded."""
    if geometry is None:
        return None
    if geometry.get("type") == "GeometryCollection":
        parts = [prepare_geometry(g, transform, decimals) for g in geometry["geometries"]]
        return {"type": "GeometryCollection", "geometries": parts}
    coords = _map_positions(geometry["coordinates"], transform, decimals)
    return {"type": geometry["type"], "coordinates": coords}


def label_point(geometry: dict[str, Any]) -> tuple[float, float]:
    """A point guaranteed inside the geometry (a centroid may fall outside an L-shape)."""
    point = shape(geometry).representative_point()
    return point.x, point.y


def _map_positions(coords: Any, transform: Transform | None, decimals: int) -> Any:
    """Apply the transform and rounding to every [lon, lat(, z)] position in nested lists."""
    if coords and isinstance(coords[0], int | float):
        lon, lat = float(coords[0]), float(coords[1])
        if transform is not None:
            lon, lat = transform(lon, lat)
        return [round(lon, decimals), round(lat, decimals)]
    return [_map_positions(c, transform, decimals) for c in coords]
