"""OGC API – Features at /ogc: landing page, conformance, collections, items, one item.

Collections are the four parcel categories plus the communities. JSON (GeoJSON for features)
or HTML, chosen by `f` or the Accept header. Parcel properties are exactly those of
/api/parcels because both read through parcel_listing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from gis_service import ogc_collections, ogc_documents, ogc_html
from gis_service.deps import SessionDep, SettingsDep
from gis_service.ogc_query import (
    COMMUNITIES,
    Format,
    ItemsQuery,
    negotiate_format,
    parse_item_query,
    parse_items_query,
    reject_unknown,
)
from gis_service.rules.levels import LEVEL_COLOURS

router = APIRouter(prefix="/ogc", tags=["OGC API – Features"])

ERRORS: Final[dict[int | str, dict[str, Any]]] = {
    400: {"description": "A query parameter is unknown or malformed; the body names it."},
    404: {"description": "No such collection or feature."},
}
JSON_OR_HTML: Final[dict[int | str, dict[str, Any]]] = {
    200: {"content": {"application/json": {}, "text/html": {}}},
}
GEOJSON_OR_HTML: Final[dict[int | str, dict[str, Any]]] = {
    200: {"content": {"application/geo+json": {}, "text/html": {}}},
}

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


def output_format(
    request: Request,
    f: Annotated[str | None, Query(description="json or html; overrides Accept.")] = None,
) -> Format:
    """The response format from `f`, else the Accept header."""
    return negotiate_format(f, request.headers.get("accept"))


def only_format(request: Request) -> None:
    """Refuse every query parameter but `f` (OGC 17-069r4 /req/core/query-param-unknown)."""
    reject_unknown(request.query_params.keys(), ("f",))


def items_query(
    request: Request,
    collection_id: CollectionId,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat (CRS84).")] = None,
    limit: Annotated[str | None, Query(description="Page size, 1–10000 (default 10).")] = None,
    offset: Annotated[str | None, Query(description="Features to skip (default 0).")] = None,
    datetime: Annotated[
        str | None,
        Query(description="State as of this date, or of an interval's end (`../2021-06-30`)."),
    ] = None,
    stage: Annotated[str | None, Query(description="Parcels in this stage.")] = None,
    community: Annotated[str | None, Query(description="Parcels of this community.")] = None,
    level: Annotated[str | None, Query(description="Parcels at this risk level.")] = None,
    kind: Annotated[
        str | None, Query(description="Communities: community or urban_village.")
    ] = None,
) -> ItemsQuery:
    """The items request's parameters, checked against the collection (400 when wrong)."""
    ogc_collections.require_collection(collection_id)
    return parse_items_query(request.query_params.multi_items(), collection_id)


def item_as_of(
    request: Request,
    collection_id: CollectionId,
    datetime: Annotated[
        str | None, Query(description="State as of this date, or of an interval's end.")
    ] = None,
) -> date | None:
    """The as-of date of a one-feature request (only `f` and `datetime` are accepted)."""
    ogc_collections.require_collection(collection_id)
    return parse_item_query(request.query_params.multi_items())


FormatDep = Annotated[Format, Depends(output_format)]
ItemsQueryDep = Annotated[ItemsQuery, Depends(items_query)]
ItemAsOfDep = Annotated[date | None, Depends(item_as_of)]


@router.get(
    "",
    name="ogc_landing",
    summary="Landing page",
    responses=ERRORS | JSON_OR_HTML,
    dependencies=[Depends(only_format)],
)
def landing(request: Request, fmt: FormatDep) -> Response:
    """Title and links to the API definition, conformance and collections."""
    base = ogc_base(request)
    return respond(ogc_documents.landing_page(base), fmt, "landing.html", base=base, title=_TITLE)


@router.get(
    "/conformance",
    summary="Conformance classes",
    responses=ERRORS | JSON_OR_HTML,
    dependencies=[Depends(only_format)],
)
def conformance(request: Request, fmt: FormatDep) -> Response:
    """The OGC conformance classes this API implements."""
    document = ogc_documents.conformance_document(writes=False)
    base = ogc_base(request)
    crumbs = [_crumb(f"{base}/conformance?f=html", "符合的标准")]
    return respond(document, fmt, "conformance.html", base=base, title="符合的标准", crumbs=crumbs)


@router.get(
    "/collections",
    summary="Collections",
    responses=ERRORS | JSON_OR_HTML,
    dependencies=[Depends(only_format)],
)
def collections(
    request: Request, fmt: FormatDep, session: SessionDep, settings: SettingsDep
) -> Response:
    """Every collection with its extent and links."""
    base = ogc_base(request)
    extents = ogc_collections.collection_extents(session, fallback=settings.service_area)
    document = ogc_documents.collections_document(extents, base)
    crumbs = [_crumb(f"{base}/collections?f=html", "数据集")]
    return respond(document, fmt, "collections.html", base=base, title="数据集", crumbs=crumbs)


@router.get(
    "/collections/{collectionId}",
    summary="One collection",
    responses=ERRORS | JSON_OR_HTML,
    dependencies=[Depends(only_format)],
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
    crumbs = _collection_crumbs(base, collection_id)
    title = document["title"]
    return respond(document, fmt, "collection.html", base=base, title=title, crumbs=crumbs)


@router.get(
    "/collections/{collectionId}/items",
    summary="Features of a collection",
    responses=ERRORS | GEOJSON_OR_HTML,
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
    on = _as_of(query.as_of, settings.today_or(date.today()))
    page = ogc_collections.list_items(
        session, collection_id, query, on=on, thresholds=settings.thresholds
    )
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
    context = _items_context(base, collection_id, items_url, query)
    return respond(document, fmt, "items.html", media_type=ogc_documents.GEOJSON, **context)


@router.get(
    "/collections/{collectionId}/items/{featureId}",
    summary="One feature",
    responses=ERRORS | GEOJSON_OR_HTML,
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
    """One feature (a parcel by code, a community by name), as of `datetime`; with an ETag."""
    on = _as_of(as_of, settings.today_or(date.today()))
    feature = ogc_collections.get_item(
        session, collection_id, feature_id, on=on, thresholds=settings.thresholds
    )
    base = ogc_base(request)
    items_url = f"{base}/collections/{collection_id}/items"
    document = ogc_documents.item_document(feature, items_url=items_url)
    crumbs = [*_collection_crumbs(base, collection_id), _crumb(f"{items_url}?f=html", "要素")]
    title = str(feature["properties"].get("name") or feature_id)
    response = respond(
        document,
        fmt,
        "item.html",
        media_type=ogc_documents.GEOJSON,
        base=base,
        title=title,
        crumbs=crumbs,
    )
    return _with_etag(response, feature)


def ogc_base(request: Request) -> str:
    """The absolute URL of the landing page (honours the app's root path)."""
    return str(request.url_for("ogc_landing")).rstrip("/")


def respond(
    document: dict[str, Any],
    fmt: Format,
    template: str,
    *,
    media_type: str = ogc_documents.JSON,
    **context: Any,
) -> Response:
    """The document as JSON of the given media type, or rendered through a template."""
    if fmt == "html":
        json_href = _json_link(document)
        page = ogc_html.render(template, document=document, json_href=json_href, **context)
        return HTMLResponse(page)
    return JSONResponse(document, media_type=media_type)


_TITLE: Final = ogc_documents.TITLE


def _as_of(requested: date | None, today: date) -> date:
    """The requested as-of date, or the service's today."""
    return requested or today


def _json_link(document: dict[str, Any]) -> str | None:
    """The href of the document's JSON form, for the HTML page's footer."""
    for link in document.get("links", []):
        if link["type"] != ogc_documents.HTML and link["rel"] in ("self", "alternate"):
            return str(link["href"])
    return None


def _crumb(href: str, title: str) -> dict[str, str]:
    """One breadcrumb of the HTML pages."""
    return {"href": href, "title": title}


def _collection_crumbs(base: str, collection_id: str) -> list[dict[str, str]]:
    """Breadcrumbs down to a collection."""
    title = ogc_documents.collection_title(collection_id)
    return [
        _crumb(f"{base}/collections?f=html", "数据集"),
        _crumb(f"{base}/collections/{collection_id}?f=html", title),
    ]


def _items_context(
    base: str, collection_id: str, items_url: str, query: ItemsQuery
) -> dict[str, Any]:
    """What the items page needs beyond the document."""
    columns = (
        ogc_html.COMMUNITY_COLUMNS if collection_id == COMMUNITIES else ogc_html.PARCEL_COLUMNS
    )
    return {
        "base": base,
        "title": f"{ogc_documents.collection_title(collection_id)} · 要素",
        "crumbs": _collection_crumbs(base, collection_id),
        "items_url": items_url,
        "offset": query.offset,
        "columns": columns,
        "colours": {level.value: colour for level, colour in LEVEL_COLOURS.items()},
    }


def _with_etag(response: Response, feature: dict[str, Any]) -> Response:
    """Add a strong ETag from the parcel's version (communities have none)."""
    version = feature["properties"].get("version")
    if version is not None:
        response.headers["ETag"] = f'"{version}"'
    return response
