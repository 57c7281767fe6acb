"""Parcels as Features for an as-of date: database filters, then level filter and paging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from gis_service.api.errors import NotFound
from gis_service.parcels.features import parcel_feature
from gis_service.repo import parcel_reads
from gis_service.repo.parcel_reads import ParcelQuery
from gis_service.rules.levels import RiskThresholds


@dataclass(frozen=True)
class Page:
    """One page of matching features and how many matched in all."""

    features: list[dict[str, Any]]
    number_matched: int


def list_features(
    session: Session,
    query: ParcelQuery,
    *,
    on: date,
    thresholds: RiskThresholds,
    levels: frozenset[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Page:
    """Matching parcels as of a date; the level filter runs here because levels are rules.

    Levels are computed in Python by the one definition in gis_service.rules, so the level
    filter and the paging after it happen here rather than in SQL.
    """
    rows = parcel_reads.select_parcels(session, query, as_of=on)
    changes = parcel_reads.select_last_changes(session, as_of=on)
    features = [
        parcel_feature(row, on=on, thresholds=thresholds, last_change=changes.get(row["code"]))
        for row in rows
    ]
    if levels:
        features = [f for f in features if f["properties"]["level"] in levels]
    end = None if limit is None else offset + limit
    return Page(features=features[offset:end], number_matched=len(features))


def get_feature(
    session: Session, code: str, *, on: date, thresholds: RiskThresholds
) -> dict[str, Any]:
    """One parcel as a Feature as of a date; NotFound when it did not exist then."""
    row = parcel_reads.select_parcel(session, code, as_of=on)
    if row is None:
        raise NotFound(f"no parcel with code {code!r} as of {on.isoformat()}", field="code")
    changes = parcel_reads.select_last_changes(session, as_of=on, code=code)
    return parcel_feature(row, on=on, thresholds=thresholds, last_change=changes.get(code))
