"""WGS84 ↔ GCJ-02 ("Mars coordinates"): our layers onto Gaode tiles, Gaode picks back to WGS84.

The published forward transform (as in eviltransform). GCJ-02 has no official inverse: imports
of points picked on Gaode invert it by fixed-point iteration, which converges to well under a
millimetre in a few steps because the shift changes slowly with position.
"""

from __future__ import annotations

from math import cos, pi, sin, sqrt

# Krasovsky 1940 ellipsoid, which the GCJ-02 algorithm is defined on.
_A = 6378245.0
_EE = 0.00669342162296594323


def out_of_china(lon: float, lat: float) -> bool:
    """Whether a point lies outside the box where GCJ-02 applies (no shift there)."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """Shift a WGS84 longitude/latitude to GCJ-02."""
    if out_of_china(lon, lat):
        return lon, lat
    d_lat = _lat_offset(lon - 105.0, lat - 35.0)
    d_lon = _lon_offset(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * pi
    magic = 1 - _EE * sin(rad_lat) ** 2
    sqrt_magic = sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * cos(rad_lat) * pi)
    return lon + d_lon, lat + d_lat


def _lat_offset(x: float, y: float) -> float:
    """Latitude offset polynomial of the GCJ-02 algorithm (metres-ish, before scaling)."""
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(abs(x))
    ret += (20.0 * sin(6.0 * x * pi) + 20.0 * sin(2.0 * x * pi)) * 2.0 / 3.0
    ret += (20.0 * sin(y * pi) + 40.0 * sin(y / 3.0 * pi)) * 2.0 / 3.0
    ret += (160.0 * sin(y / 12.0 * pi) + 320.0 * sin(y * pi / 30.0)) * 2.0 / 3.0
    return ret


def _lon_offset(x: float, y: float) -> float:
    """Longitude offset polynomial of the GCJ-02 algorithm (before scaling)."""
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(abs(x))
    ret += (20.0 * sin(6.0 * x * pi) + 20.0 * sin(2.0 * x * pi)) * 2.0 / 3.0
    ret += (20.0 * sin(x * pi) + 40.0 * sin(x / 3.0 * pi)) * 2.0 / 3.0
    ret += (150.0 * sin(x / 12.0 * pi) + 300.0 * sin(x / 30.0 * pi)) * 2.0 / 3.0
    return ret


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Shift a GCJ-02 longitude/latitude back to WGS84 (iterated inverse of the forward shift)."""
    wgs_lon, wgs_lat = lon, lat
    for _ in range(10):
        shifted_lon, shifted_lat = wgs84_to_gcj02(wgs_lon, wgs_lat)
        d_lon, d_lat = shifted_lon - lon, shifted_lat - lat
        wgs_lon, wgs_lat = wgs_lon - d_lon, wgs_lat - d_lat
        if abs(d_lon) < 1e-10 and abs(d_lat) < 1e-10:
            break
    return wgs_lon, wgs_lat
