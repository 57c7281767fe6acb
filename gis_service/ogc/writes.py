"""OGC API – Features Part 4 on the category collections, through gis_service.parcels.edits.

Validation, roles and versions are those of /api/parcels (edits.py); this module only maps
a collection onto them: a feature belongs to the collection of its category, and a feature
read from /ogc (with its `links`) can be sent back as it is.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from sqlalchemy.orm import Session

from gis_service.api.auth import User
from gis_service.api.errors import InvalidInput, NotFound, ServiceError
from gis_service.ogc.collections import require_collection
from gis_service.ogc.query import COMMUNITIES
from gis_service.parcels import edits
from gis_service.parcels.edits import EditResult
from gis_service.parcels.parcel_input import safe
from gis_service.repo import parcel_reads
from gis_service.settings import Settings

# Members the OGC reads add to a Feature; a client may send them back unchanged.
READ_MEMBERS: Final[frozenset[str]] = frozenset({"links"})


class MethodNotAllowed(ServiceError):
    """A write to a collection that is read-only (the communities)."""

    status, code = 405, "method_not_allowed"
    headers = {"Allow": "GET"}


def writable_collection(collection_id: str) -> str:
    """A category collection's id; 404 for unknown ids, 405 for the read-only communities."""
    require_collection(collection_id)
    if collection_id == COMMUNITIES:
        raise MethodNotAllowed("the communities collection is read-only", field="collectionId")
    return collection_id


def feature_body(body: Any, collection_id: str, *, fill_category: bool) -> Any:
    """The body as edits take it: read-only members dropped, category that of the collection.

    Other malformed bodies pass through unchanged so edits.py names their fault.
    """
    if not isinstance(body, dict):
        return body
    feature = {k: v for k, v in body.items() if k not in READ_MEMBERS}
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        return feature
    category = properties.get("category")
    if category is None and fill_category:
        return feature | {"properties": properties | {"category": collection_id}}
    if category not in (None, collection_id):
        raise InvalidInput(
            f"category is {safe(category)}, but collection {collection_id} holds only "
            f"{collection_id}; post it to its own collection, or move it between categories "
            "through /api/parcels",
            field="category",
        )
    return feature


def require_member(session: Session, collection_id: str, code: str) -> None:
    """NotFound unless a live parcel with this code is in the collection."""
    row = parcel_reads.select_parcel(session, code)
    if row is None or row["category"] != collection_id:
        raise NotFound(f"no feature {code!r} in collection {collection_id!r}", field="featureId")


def create(
    session: Session,
    collection_id: str,
    body: Any,
    *,
    user: User,
    settings: Settings,
    effective_date: date | None,
    repair: bool,
) -> EditResult:
    """Create a parcel in a category collection (POST items)."""
    feature = feature_body(body, collection_id, fill_category=True)
    return edits.create_parcel(
        session,
        body=feature,
        user=user,
        settings=settings,
        effective_date=effective_date,
        repair=repair,
    )


def replace(
    session: Session,
    collection_id: str,
    code: str,
    body: Any,
    *,
    user: User,
    expected_version: int,
    settings: Settings,
    effective_date: date | None,
    repair: bool,
) -> EditResult:
    """Replace a parcel of the collection by a full Feature (PUT item)."""
    require_member(session, collection_id, code)
    return edits.replace_parcel(
        session,
        code=code,
        body=feature_body(body, collection_id, fill_category=True),
        user=user,
        expected_version=expected_version,
        settings=settings,
        effective_date=effective_date,
        repair=repair,
    )


def patch(
    session: Session,
    collection_id: str,
    code: str,
    body: Any,
    *,
    user: User,
    expected_version: int,
    settings: Settings,
    effective_date: date | None,
    repair: bool,
) -> EditResult:
    """Apply a JSON merge patch to a parcel of the collection (PATCH item)."""
    require_member(session, collection_id, code)
    return edits.patch_parcel(
        session,
        code=code,
        body=feature_body(body, collection_id, fill_category=False),
        user=user,
        expected_version=expected_version,
        settings=settings,
        effective_date=effective_date,
        repair=repair,
    )


def delete(
    session: Session,
    collection_id: str,
    code: str,
    *,
    user: User,
    expected_version: int,
    settings: Settings,
    effective_date: date | None,
) -> EditResult:
    """Delete a parcel of the collection (DELETE item; its history stays)."""
    require_member(session, collection_id, code)
    return edits.delete_parcel(
        session,
        code=code,
        user=user,
        expected_version=expected_version,
        settings=settings,
        effective_date=effective_date,
    )
