"""Parcels as Features for an as-of date: database filters, the level filter, paging."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from gis_service.api.errors import NotFound
from gis_service.parcels.features import assess_row, parcel_feature
from gis_service.raw_json import RawFeatures
from gis_service.repo import parcel_reads
from gis_service.repo.parcel_reads import DataStamp, Outline, Paging, ParcelQuery
from gis_service.rules.levels import RiskThresholds


@dataclass(frozen=True)
class Page:
    """One page of matching features and how many matched in all."""

    features: list[dict[str, Any]]
    number_matched: int


@dataclass(frozen=True)
class JsonPage:
    """One page of matching features as JSON text built by PostgreSQL, and the match count."""

    features: RawFeatures
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
    outline: Outline = "text",
) -> Page:
    """Matching parcels as of a date, one page of them; outlines as text unless asked.

    The database pages and counts (issue 10: a page costs what the page holds). Levels are
    computed in Python by the one definition in gis_service.rules, so a level filter first
    reads the matching parcels' facts (no outlines), keeps the codes of the wanted levels,
    then reads that page in full.
    """
    paging = Paging(limit=limit, offset=offset)
    if levels:
        codes = _codes_at_levels(session, query, on=on, thresholds=thresholds, levels=levels)
        page_codes = codes[offset : None if limit is None else offset + limit]
        query = replace(query, codes=tuple(page_codes))
        paging = Paging()
    rows = parcel_reads.select_parcels(
        session, query, as_of=on, outline=outline, paging=paging, last_change=True
    )
    features = [parcel_feature(row, on=on, thresholds=thresholds) for row in rows]
    if levels:
        return Page(features=features, number_matched=len(codes))
    if rows:
        return Page(features=features, number_matched=int(rows[0]["number_matched"]))
    matched = parcel_reads.count_parcels(session, query, as_of=on) if offset else 0
    return Page(features=features, number_matched=matched)


def feature_page(
    session: Session,
    query: ParcelQuery,
    *,
    on: date,
    thresholds: RiskThresholds,
    levels: frozenset[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
    stamp: DataStamp | None = None,
) -> JsonPage:
    """As list_features, the Features' JSON built by PostgreSQL (for JSON answers)."""
    page = parcel_reads.select_feature_page(
        session, query, on=on, thresholds=thresholds, levels=levels,
        paging=Paging(limit=limit, offset=offset), stamp=stamp,
    )  # fmt: skip
    features = RawFeatures(page.features_json, page.number_returned)
    return JsonPage(features=features, number_matched=page.number_matched)


def get_feature(
    session: Session, code: str, *, on: date, thresholds: RiskThresholds, outline: Outline = "text"
) -> dict[str, Any]:
    """One parcel as a Feature as of a date; NotFound when it did not exist then."""
    row = parcel_reads.select_parcel(session, code, as_of=on, outline=outline)
    if row is None:
        raise NotFound(f"no parcel with code {code!r} as of {on.isoformat()}", field="code")
    return parcel_feature(row, on=on, thresholds=thresholds)


def _codes_at_levels(
    session: Session,
    query: ParcelQuery,
    *,
    on: date,
    thresholds: RiskThresholds,
    levels: frozenset[str],
) -> list[str]:
    """Codes (in order) of the matching parcels whose risk level on the date is wanted."""
    rows = parcel_reads.select_parcels(session, query, as_of=on, outline="none")
    return [
        row["code"]
        for row in rows
        if assess_row(row, on=on, thresholds=thresholds).level.value in levels
    ]
