"""Counts of the parcels per legend class and filter value, for maps drawn from vector tiles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from gis_service.repo.parcel_reads import ParcelQuery
from gis_service.repo.parcel_statements import as_of_statement
from gis_service.rules.levels import RiskThresholds

Bbox = tuple[float, float, float, float]


@dataclass(frozen=True)
class WindowBounds:
    """The dates that split deadlines into the map's windows (maps.payload.deadline_windows)."""

    on: date
    month_end: date
    quarter_end: date


@dataclass(frozen=True)
class LegendGroups:
    """Parcel counts per (category, stage, level, community, window bucket), and their bbox."""

    rows: list[tuple[str, str, str, str | None, str, int]]
    bbox: Bbox | None

    @property
    def total(self) -> int:
        """How many parcels the groups hold."""
        return sum(row[5] for row in self.rows)


def select_legend_groups(
    session: Session,
    query: ParcelQuery,
    *,
    bounds: WindowBounds,
    thresholds: RiskThresholds,
) -> LegendGroups:
    """The parcels matching the query as of `bounds.on`, counted per legend and filter value."""
    statement, params = as_of_statement(
        session, "parcels_legend", query, on=bounds.on, thresholds=thresholds
    )
    params |= {"month_end": bounds.month_end, "quarter_end": bounds.quarter_end}
    found = list(session.execute(statement, params).mappings())
    rows = [
        (r["category"], r["stage"], r["level"], r["community"], r["bucket"], int(r["n"]))
        for r in found
    ]
    return LegendGroups(rows, _union([_bbox(r) for r in found]))


def _bbox(row: Any) -> Bbox | None:
    """A group's bbox, None when its parcels have no outline."""
    box = (row["minlon"], row["minlat"], row["maxlon"], row["maxlat"])
    return None if any(v is None for v in box) else (box[0], box[1], box[2], box[3])


def _union(boxes: list[Bbox | None]) -> Bbox | None:
    """The bbox around every given bbox."""
    real = [b for b in boxes if b is not None]
    if not real:
        return None
    return (
        min(b[0] for b in real),
        min(b[1] for b in real),
        max(b[2] for b in real),
        max(b[3] for b in real),
    )
