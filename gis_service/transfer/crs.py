"""Which coordinate system a file's numbers are in, decided once per file, and saying why.

Pure (no I/O). The file's own CRS wins (.prj, GeoPackage, KML) unless its numbers cannot be
in it; `--crs` overrides everything. Otherwise the numbers decide, by the ranges met in this
area (shared geo README, "Coordinate systems"): degrees (either axis order), CGCS2000 3°
Gauss-Krüger easting without zone prefix (EPSG:4550, CM 123°E) or with one (zones 25–45 are
EPSG:4513–4533; Rongcheng is zone 41, EPSG:4529), and survey lists with X north / Y east.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from gis_service.maps.gcj02 import gcj02_to_wgs84

LONLAT: Final = 4326
GK_NO_PREFIX: Final = 4550  # CGCS2000 3-degree Gauss-Kruger CM 123E, easting without zone
GK_ZONE_25: Final = 4513  # CGCS2000 3-degree GK zone 25; zone z is 4513 + (z - 25)
_LONLAT_CODES: Final = frozenset({4326, 4490})
# The numbers a decision reads: up to 50 from each outline, until this many (row and bulk
# imports sample alike, so one file gets one decision whichever path reads it).
SAMPLE_POINTS: Final = 5000
SAMPLE_PER_GEOMETRY: Final = 50


@dataclass(frozen=True)
class CrsDecision:
    """How to read a file's coordinates: the CRS, whether X/Y are swapped, GCJ-02, and why."""

    crs: str | None
    swapped: bool = False
    gcj02: bool = False
    reason: str = ""

    def as_dict(self) -> dict[str, object]:
        """JSON form for the report."""
        return {
            "crs": self.crs,
            "swapped": self.swapped,
            "gcj02": self.gcj02,
            "reason": self.reason,
        }


def decide_crs(
    points: Sequence[tuple[float, float]],
    *,
    declared: str | None,
    override: str | None = None,
    gcj02: bool = False,
    gcj02_note: str | None = None,
) -> CrsDecision:
    """The CRS decision for a file from its declared CRS, an override and its coordinates."""
    shift = gcj02 or gcj02_note is not None
    why_shift = _gcj02_reason(gcj02, gcj02_note)
    if override:
        return CrsDecision(_checked(override), False, shift, f"--crs {override} given{why_shift}")
    guess = guess_from_values(points)
    if declared and not _contradicts(declared, guess):
        return CrsDecision(declared, False, shift, f"the file's own CRS ({declared}){why_shift}")
    if guess is None:
        return CrsDecision(None, reason=_no_system(points))
    crs, swapped, reason = guess
    if declared:
        reason = f"the file says {declared}, but {reason}"
    return CrsDecision(crs, swapped, shift, reason + why_shift)


def sample_points(geometries: Iterable[Any]) -> list[tuple[float, float]]:
    """The coordinates a CRS decision reads: the first of each non-empty geometry, in order."""
    points: list[tuple[float, float]] = []
    for geometry in geometries:
        if geometry is not None and not geometry.is_empty:
            coords = shapely.get_coordinates(geometry)[:SAMPLE_PER_GEOMETRY]
            points += [(float(x), float(y)) for x, y in coords]
        if len(points) >= SAMPLE_POINTS:
            break
    return points


def guess_from_values(points: Sequence[tuple[float, float]]) -> tuple[str, bool, str] | None:
    """(EPSG, swapped, reason) from the median coordinates, or None when nothing fits."""
    if not points:
        return None
    x = statistics.median(p[0] for p in points)
    y = statistics.median(p[1] for p in points)
    for first, second, swapped in ((x, y, False), (y, x, True)):
        found = _system_of(first, second)
        if found is not None:
            epsg, sentence = found
            order = " with X/Y swapped (X north, Y east)" if swapped else ""
            if epsg == LONLAT:
                order = " in latitude/longitude order" if swapped else ""
            return f"EPSG:{epsg}", swapped, f"{sentence}{order} (median {x:.6g}, {y:.6g})"
    return None


def _system_of(east: float, north: float) -> tuple[int, str] | None:
    """The system whose ranges hold an (east, north) pair, with a sentence saying why."""
    if 73 <= east <= 135 and 3 <= north <= 54:
        return LONLAT, "values are longitude/latitude degrees in China"
    if 100_000 <= east <= 900_000 and 2_000_000 <= north <= 6_000_000:
        return GK_NO_PREFIX, (
            "values are metres with a 6-digit easting: CGCS2000 3° Gauss-Krüger without zone "
            "prefix, central meridian 123°E assumed (EPSG:4550)"
        )
    zone = int(east // 1_000_000)
    if 25 <= zone <= 45 and 100_000 <= east % 1_000_000 <= 900_000 and 2e6 <= north <= 6e6:
        epsg = GK_ZONE_25 + zone - 25
        return epsg, (
            f"values are metres with an 8-digit easting starting {zone}: CGCS2000 3° "
            f"Gauss-Krüger zone {zone} with prefix (EPSG:{epsg})"
        )
    return None


def _contradicts(declared: str, guess: tuple[str, bool, str] | None) -> bool:
    """Whether a declared geographic CRS holds numbers that cannot be degrees."""
    try:
        geographic = CRS.from_user_input(declared).is_geographic
    except CRSError:
        return True
    return geographic and guess is not None and guess[0] != f"EPSG:{LONLAT}"


def _checked(crs: str) -> str:
    """A CRS a user named, refused with a clear sentence when pyproj does not know it."""
    try:
        CRS.from_user_input(crs)
    except CRSError:
        raise ValueError(f"unknown CRS {crs!r}; give one like EPSG:4550") from None
    return crs


def _gcj02_reason(flag: bool, note: str | None) -> str:
    """The part of the reason that explains a GCJ-02 shift."""
    if flag:
        return "; --gcj02: GCJ-02 (Gaode) converted to WGS84"
    if note:
        return f"; {note} says GCJ-02 (Gaode): converted to WGS84"
    return ""


def _no_system(points: Sequence[tuple[float, float]]) -> str:
    """The sentence for coordinates that fit no known system."""
    if not points:
        return "no coordinates in the file"
    x = statistics.median(p[0] for p in points)
    y = statistics.median(p[1] for p in points)
    return (
        f"coordinates (median {x:.6g}, {y:.6g}) fit no known system: not degrees, not CGCS2000 "
        "Gauss-Krüger with or without zone prefix; give --crs EPSG:N"
    )


Transform = Callable[[float, float], tuple[float, float]]


def to_lonlat(decision: CrsDecision) -> Transform:
    """A function taking a file's (x, y) to WGS84 (lon, lat) as the decision says."""
    project: Transform = _identity
    if decision.crs is not None and not _is_lonlat(decision.crs):
        transformer = Transformer.from_crs(decision.crs, LONLAT, always_xy=True)
        project = transformer.transform
    swapped, gcj02 = decision.swapped, decision.gcj02

    def transform(x: float, y: float) -> tuple[float, float]:
        lon, lat = project(*((y, x) if swapped else (x, y)))
        return gcj02_to_wgs84(lon, lat) if gcj02 else (lon, lat)

    return transform


def transform_geometry(geometry: Any, transform: Transform) -> Any:
    """A geometry, or an array of them, with every coordinate passed through `transform`."""
    return shapely.transform(
        geometry, lambda coords: np.array([transform(float(x), float(y)) for x, y in coords])
    )


def _is_lonlat(crs: str) -> bool:
    """Whether a CRS is WGS84/CGCS2000 longitude/latitude (no reprojection needed)."""
    try:
        code = CRS.from_user_input(crs).to_epsg()
    except CRSError:
        return False
    return code in _LONLAT_CODES or crs.upper() in ("OGC:CRS84", "CRS84")


def _identity(x: float, y: float) -> tuple[float, float]:
    """Coordinates as they are."""
    return x, y
