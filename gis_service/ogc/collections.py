"""The OGC collections' data: parcels by category (through parcels.listing) and communities."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from gis_service.api.errors import NotFound
from gis_service.ogc.documents import Extent
from gis_service.ogc.query import COLLECTION_IDS, COMMUNITIES, ItemsQuery
from gis_service.parcels import listing
from gis_service.parcels.listing import JsonPage, Page
from gis_service.repo import communities, extents
from gis_service.repo.parcel_reads import ParcelQuery
from gis_service.rules.levels import RiskThresholds
from gis_service.rules.stages import CATEGORIES


def require_collection(collection_id: str) -> str:
    """The id when it names a collection; NotFound otherwise."""
    if collection_id not in COLLECTION_IDS:
        known = ", ".join(COLLECTION_IDS)
        raise NotFound(
            f"no collection {collection_id!r}; collections: {known}", field="collectionId"
        )
    return collection_id


def collection_extents(
    session: Session, *, fallback: tuple[float, float, float, float]
) -> dict[str, Extent]:
    """Every collection's extent, in COLLECTION_IDS order; empty ones get the fallback bbox."""
    rows = extents.select_category_extents(session)
    result = {}
    for category in CATEGORIES:
        row = rows.get(category, {})
        # The history runs on: the interval is open at its end (OGC 17-069r4 7.13.3 allows it).
        result[category] = Extent(bbox=row.get("bbox") or fallback, start=row.get("first_day"))
    result[COMMUNITIES] = Extent(bbox=extents.select_community_extent(session) or fallback)
    return result


def list_items(
    session: Session,
    collection_id: str,
    query: ItemsQuery,
    *,
    on: date,
    thresholds: RiskThresholds,
    as_json: bool = False,
) -> Page | JsonPage:
    """One page of a collection's features as of a date (communities have no history).

    With `as_json`, parcels come as the JSON text PostgreSQL built (for GeoJSON answers).
    """
    if collection_id == COMMUNITIES:
        rows = communities.select_communities_where(
            session, kind=query.filters.get("kind"), bbox=query.bbox
        )
        end = query.offset + query.limit
        features = [community_feature(row) for row in rows[query.offset : end]]
        return Page(features=features, number_matched=len(rows))
    levels = query.filters.get("level")
    parcel_query = ParcelQuery(
        category=collection_id,
        stage=query.filters.get("stage"),
        community=query.filters.get("community"),
        bbox=query.bbox,
    )
    wanted = frozenset([levels]) if levels else None
    if as_json:
        return listing.feature_page(
            session, parcel_query, on=on, thresholds=thresholds, levels=wanted,
            limit=query.limit, offset=query.offset,
        )  # fmt: skip
    # The HTML page lists properties only: no outline is read (ST_AsGeoJSON per row saved).
    return listing.list_features(
        session, parcel_query, on=on, thresholds=thresholds, levels=wanted,
        limit=query.limit, offset=query.offset, outline="none",
    )  # fmt: skip


def get_item(
    session: Session, collection_id: str, feature_id: str, *, on: date, thresholds: RiskThresholds
) -> dict[str, Any]:
    """One feature of a collection; NotFound when absent or of another category."""
    if collection_id == COMMUNITIES:
        rows = communities.select_communities_where(session, name=feature_id)
        if not rows:
            raise NotFound(f"no community named {feature_id!r}", field="featureId")
        return community_feature(rows[0])
    feature = listing.get_feature(session, feature_id, on=on, thresholds=thresholds)
    if feature["properties"]["category"] != collection_id:
        raise NotFound(
            f"parcel {feature_id!r} is not in collection {collection_id!r}", field="featureId"
        )
    return feature


def community_feature(row: dict[str, Any]) -> dict[str, Any]:
    """A community row as a GeoJSON Feature whose id is its name."""
    properties = {"name": row["name"], "kind": row["kind"], "illustrative": row["illustrative"]}
    return {
        "type": "Feature",
        "id": row["name"],
        "geometry": row["geometry"],
        "properties": properties,
    }
