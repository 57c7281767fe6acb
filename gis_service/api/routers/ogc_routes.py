"""OGC API – Features at /ogc: landing page, conformance, collections, items, one item, and
Part 4 writes (POST items; PUT, PATCH, DELETE item) on the category collections.

Collections are the four parcel categories plus the communities. JSON (GeoJSON for features)
or HTML, chosen by `f` or the Accept header. Parcel properties are exactly those of
/api/parcels because both read through parcels.listing; writes go through parcels.edits with the
same roles, tokens and ETags.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Final

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response

from gis_service.api.auth import CreatorDep, DeleterDep, EditorDep
from gis_service.api.deps import SessionDep, SettingsDep
from gis_service.api.error_responses import error_responses
from gis_service.api.openapi_fixes import matched_to_service
from gis_service.api.preconditions import IfMatchDep, etag
from gis_service.api.public_urls import public_url
from gis_service.api.request_body import JsonBodyDep
from gis_service.api.routers.parcel_routes import EffectiveDateDep, RepairQuery
from gis_service.ogc import collections as ogc_collections
from gis_service.ogc import documents as ogc_documents
from gis_service.ogc import schema as ogc_schema
from gis_service.ogc import writes as ogc_writes
from gis_service.ogc.openapi import (
    FEATURE_BODY,
    GEOJSON_OR_HTML,
    JSON_OR_HTML,
    PATCH_BODY,
    READ_ERRORS,
    READ_ONLY_COLLECTION,
    SCHEMA_RESPONSE,
)
from gis_service.ogc.query import (
    Format,
    ItemsQuery,
    negotiate_format,
    parse_item_query,
    parse_items_query,
    reject_unknown,
)
from gis_service.ogc.responses import (
    collection_crumbs,
    crumb,
    items_context,
    respond,
    written,
)

router = APIRouter(prefix="/ogc", tags=["OGC API – Features"])

CollectionId = Annotated[
    str,
    Path(
        alias="collectionId",
        description="demolition_area, old_compound, idle_building, key_project or communities.",
    ),
]
FeatureId = Annotated[
    str, Path(alias="featureId", description="A parcel's code, or a community's name.")
]


async def output_format(
    request: Request,
    f: Annotated[str | None, Query(description="json or html; overrides Accept.")] = None,
) -> Format:
    """The response format from `f`, else the Accept header."""
    return negotiate_format(f, request.headers.get("accept"))


async def only_format(request: Request) -> None:
    """Refuse every query parameter but `f` (OGC 17-069r4 /req/core/query-param-unknown)."""
    reject_unknown(request.query_params.keys(), ("f",))


async def items_query(
    request: Request,
    collection_id: CollectionId,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat (CRS84).")] = None,
    limit: Annotated[str | None, Query(description="Page size, 1–10000 (default 10).")] = None,
    offset: Annotated[str | None, Query(description="Features to skip (default 0).")] = None,
    datetime: Annotated[
        str | None,
        Query(description="State as of this date, or of an interval's end (`../2021-06-30`)."),
    ] = None,
    stage: Annotated[
        str | None, Query(description="Parcels in this stage (parcel collections only).")
    ] = None,
    community: Annotated[str | None, Query(description="Parcels of this community.")] = None,
    level: Annotated[str | None, Query(description="Parcels at this risk level.")] = None,
    kind: Annotated[
        str | None,
        Query(
            description="communities collection only: community or urban_village "
            "(400 naming it on a parcel collection)."
        ),
    ] = None,
) -> ItemsQuery:
    """The items request's parameters, checked against the collection (400 when wrong)."""
    ogc_collections.require_collection(collection_id)
    return parse_items_query(request.query_params.multi_items(), collection_id)


async def item_as_of(
    request: Request,
    collection_id: CollectionId,
    datetime: Annotated[
        str | None, Query(description="State as of this date, or of an interval's end.")
    ] = None,
) -> date | None:
    """The as-of date of a one-feature request (only `f` and `datetime` are accepted)."""
    ogc_collections.require_collection(collection_id)
    return parse_item_query(request.query_params.multi_items())


def writable(request: Request, collection_id: CollectionId) -> str:
    """The category collection written to (404 unknown, 405 communities); no stray parameters."""
    ogc_writes.writable_collection(collection_id)
    reject_unknown(request.query_params.keys(), ("effective_date", "repair"))
    return collection_id


FormatDep = Annotated[Format, Depends(output_format)]
ItemsQueryDep = Annotated[ItemsQuery, Depends(items_query)]
ItemAsOfDep = Annotated[date | None, Depends(item_as_of)]
WritableDep = Annotated[str, Depends(writable)]
DOCUMENT_DEPS: Final = [Depends(only_format)]


@router.get(
    "",
    name="ogc_landing",
    summary="Landing page",
    responses=READ_ERRORS | JSON_OR_HTML,
    dependencies=DOCUMENT_DEPS,
)
def landing(request: Request, fmt: FormatDep) -> Response:
    """Title and links to the API definition, conformance and collections."""
    base = ogc_base(request)
    document = ogc_documents.landing_page(base)
    return respond(document, fmt, "landing.html", base=base, title=ogc_documents.TITLE)


@router.get("/api", include_in_schema=False)
def api_definition(request: Request) -> JSONResponse:
    """The OpenAPI document of this service alone, paths relative to /ogc.

    GDAL's OAPIF driver reads `/collections/{collectionId}/items` in the service-desc to learn
    which query parameters it may send; with the whole app's document (paths under /ogc) it
    finds none and filters every feature on its side.
    """
    document = get_openapi(
        title=ogc_documents.TITLE,
        version=request.app.version,
        routes=[r for r in router.routes if getattr(r, "include_in_schema", True)],
        servers=[{"url": ogc_base(request)}],
    )
    document["paths"] = {
        path.removeprefix(router.prefix) or "/": item for path, item in document["paths"].items()
    }
    return JSONResponse(matched_to_service(document), media_type=ogc_documents.OPENAPI)


@router.get(
    "/conformance",
    summary="Conformance classes",
    responses=READ_ERRORS | JSON_OR_HTML,
    dependencies=DOCUMENT_DEPS,
)
def conformance(request: Request, fmt: FormatDep) -> Response:
    """The OGC conformance classes this API implements (Part 1 and Part 4)."""
    document = ogc_documents.conformance_document(writes=True)
    base = ogc_base(request)
    crumbs = [crumb(f"{base}/conformance?f=html", "符合的标准")]
    return respond(document, fmt, "conformance.html", base=base, title="符合的标准", crumbs=crumbs)


@router.get(
    "/collections",
    summary="Collections",
    responses=READ_ERRORS | JSON_OR_HTML,
    dependencies=DOCUMENT_DEPS,
)
def collections(
    request: Request, fmt: FormatDep, session: SessionDep, settings: SettingsDep
) -> Response:
    """Every collection with its extent and links."""
    base = ogc_base(request)
    extents = ogc_collections.collection_extents(session, fallback=settings.service_area)
    document = ogc_documents.collections_document(extents, base)
    crumbs = [crumb(f"{base}/collections?f=html", "数据集")]
    return respond(document, fmt, "collections.html", base=base, title="数据集", crumbs=crumbs)


@router.get(
    "/collections/{collectionId}",
    summary="One collection",
    responses=READ_ERRORS | JSON_OR_HTML,
    dependencies=DOCUMENT_DEPS,
)
def collection(
    request: Request,
    collection_id: CollectionId,
    fmt: FormatDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """One collection's description, extent and links."""
    ogc_collections.require_collection(collection_id)
    base = ogc_base(request)
    extents = ogc_collections.collection_extents(session, fallback=settings.service_area)
    document = ogc_documents.collection_document(collection_id, extents[collection_id], base)
    crumbs = collection_crumbs(base, collection_id)
    title = document["title"]
    return respond(document, fmt, "collection.html", base=base, title=title, crumbs=crumbs)


@router.get(
    "/collections/{collectionId}/schema",
    summary="JSON Schema of the collection's features",
    responses=READ_ERRORS | SCHEMA_RESPONSE,
    dependencies=DOCUMENT_DEPS,
)
def schema(request: Request, collection_id: CollectionId) -> Response:
    """The properties a feature carries and their types, for clients to type their fields."""
    ogc_collections.require_collection(collection_id)
    url = f"{ogc_base(request)}/collections/{collection_id}/schema"
    document = ogc_schema.feature_schema(collection_id, schema_url=url)
    return JSONResponse(document, media_type=ogc_documents.SCHEMA)


@router.get(
    "/collections/{collectionId}/items",
    summary="Features of a collection",
    responses=READ_ERRORS | GEOJSON_OR_HTML,
)
def items(
    request: Request,
    collection_id: CollectionId,
    query: ItemsQueryDep,
    fmt: FormatDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """A page of features (GeoJSON), filtered by bbox, properties and date, with next links."""
    on = query.as_of or settings.today_date()
    page = ogc_collections.list_items(
        session, collection_id, query, on=on, thresholds=settings.thresholds,
        as_json=fmt == "json",
    )  # fmt: skip
    base = ogc_base(request)
    items_url = f"{base}/collections/{collection_id}/items"
    document = ogc_documents.items_document(
        page.features,
        number_matched=page.number_matched,
        query=query,
        params=request.query_params.multi_items(),
        items_url=items_url,
        time_stamp=datetime.now(UTC),
        fmt=fmt,
    )
    context = items_context(base, collection_id, items_url, query)
    return respond(document, fmt, "items.html", media_type=ogc_documents.GEOJSON, **context)


@router.get(
    "/collections/{collectionId}/items/{featureId}",
    summary="One feature (ETag = its version)",
    responses=READ_ERRORS | GEOJSON_OR_HTML,
)
def item(
    request: Request,
    collection_id: CollectionId,
    feature_id: FeatureId,
    as_of: ItemAsOfDep,
    fmt: FormatDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """One feature (a parcel by code, a community by name), as of `datetime`."""
    on = as_of or settings.today_date()
    feature = ogc_collections.get_item(
        session, collection_id, feature_id, on=on, thresholds=settings.thresholds
    )
    base = ogc_base(request)
    items_url = f"{base}/collections/{collection_id}/items"
    document = ogc_documents.item_document(feature, items_url=items_url)
    context = {
        "base": base,
        "title": str(feature["properties"].get("name") or feature_id),
        "crumbs": [*collection_crumbs(base, collection_id), crumb(f"{items_url}?f=html", "要素")],
    }
    response = respond(document, fmt, "item.html", media_type=ogc_documents.GEOJSON, **context)
    version = feature["properties"].get("version")
    if version is not None:  # communities carry no version
        response.headers["ETag"] = etag(int(version))
    return response


@router.post(
    "/collections/{collectionId}/items",
    status_code=201,
    summary="Create a feature (Part 4): 201 with Location and ETag",
    responses=error_responses(400, 401, 403, 404, 409, 413, 422) | READ_ONLY_COLLECTION,
    openapi_extra=FEATURE_BODY,
)
def create_item(
    request: Request,
    collection_id: WritableDep,
    session: SessionDep,
    settings: SettingsDep,
    user: CreatorDep,
    effective_date: EffectiveDateDep,
    body: JsonBodyDep,
    repair: RepairQuery = False,
) -> Response:
    """Create a parcel from a Feature whose properties carry `code` (planner, admin)."""
    result = ogc_writes.create(
        session, collection_id, body,
        user=user, settings=settings, effective_date=effective_date, repair=repair,
    )  # fmt: skip
    session.commit()
    location = ogc_documents.item_url(
        f"{ogc_base(request)}/collections/{collection_id}/items", result.code
    )
    return written(result, status=201, location=location)


@router.put(
    "/collections/{collectionId}/items/{featureId}",
    summary="Replace a feature (Part 4; If-Match required)",
    responses=error_responses(400, 401, 403, 404, 412, 413, 422, 428) | READ_ONLY_COLLECTION,
    openapi_extra=FEATURE_BODY,
)
def replace_item(
    collection_id: WritableDep,
    feature_id: FeatureId,
    session: SessionDep,
    settings: SettingsDep,
    user: EditorDep,
    expected_version: IfMatchDep,
    effective_date: EffectiveDateDep,
    body: JsonBodyDep,
    repair: RepairQuery = False,
) -> Response:
    """Replace a parcel by a full Feature; properties left out become null or default."""
    result = ogc_writes.replace(
        session, collection_id, feature_id, body, user=user, expected_version=expected_version,
        settings=settings, effective_date=effective_date, repair=repair,
    )  # fmt: skip
    session.commit()
    return written(result)


@router.patch(
    "/collections/{collectionId}/items/{featureId}",
    summary="Update a feature by a JSON merge patch (Part 4; If-Match required)",
    responses=error_responses(400, 401, 403, 404, 412, 413, 422, 428) | READ_ONLY_COLLECTION,
    openapi_extra=PATCH_BODY,
)
def patch_item(
    collection_id: WritableDep,
    feature_id: FeatureId,
    session: SessionDep,
    settings: SettingsDep,
    user: EditorDep,
    expected_version: IfMatchDep,
    effective_date: EffectiveDateDep,
    body: JsonBodyDep,
    repair: RepairQuery = False,
) -> Response:
    """Apply an RFC 7396 merge patch of the Feature: properties and/or geometry."""
    result = ogc_writes.patch(
        session, collection_id, feature_id, body, user=user, expected_version=expected_version,
        settings=settings, effective_date=effective_date, repair=repair,
    )  # fmt: skip
    session.commit()
    return written(result)


@router.delete(
    "/collections/{collectionId}/items/{featureId}",
    status_code=204,
    summary="Delete a feature (Part 4; admin; If-Match required; its history stays)",
    responses=error_responses(400, 401, 403, 404, 412, 422, 428) | READ_ONLY_COLLECTION,
)
def delete_item(
    collection_id: WritableDep,
    feature_id: FeatureId,
    session: SessionDep,
    settings: SettingsDep,
    user: DeleterDep,
    expected_version: IfMatchDep,
    effective_date: EffectiveDateDep,
) -> Response:
    """Soft-delete a parcel: it leaves the collection; 204."""
    ogc_writes.delete(
        session, collection_id, feature_id, user=user, expected_version=expected_version,
        settings=settings, effective_date=effective_date,
    )  # fmt: skip
    session.commit()
    return Response(status_code=204)


def ogc_base(request: Request) -> str:
    """The absolute URL of the landing page (honours the app's root path)."""
    return public_url(request, request.url_for("ogc_landing")).rstrip("/")
