"""Responses of the OGC endpoints: a document as (Geo)JSON or as its HTML page."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse, JSONResponse, Response

from gis_service.ogc import html as ogc_html
from gis_service.ogc.documents import GEOJSON, HTML, JSON, collection_title
from gis_service.ogc.query import COMMUNITIES, Format, ItemsQuery
from gis_service.parcels.edits import EditResult
from gis_service.rules.levels import LEVEL_COLOURS


def respond(
    document: dict[str, Any],
    fmt: Format,
    template: str,
    *,
    media_type: str = JSON,
    **context: Any,
) -> Response:
    """The document as JSON of the given media type, or rendered through a template."""
    if fmt == "html":
        page = ogc_html.render(
            template, document=document, json_href=json_link(document), **context
        )
        return HTMLResponse(page)
    return JSONResponse(document, media_type=media_type)


def written(result: EditResult, *, status: int = 200, location: str | None = None) -> Response:
    """The answer to a write: the Feature as GeoJSON with its new ETag (and Location)."""
    headers = {"ETag": result.etag} | ({"Location": location} if location else {})
    return JSONResponse(result.body(), status_code=status, media_type=GEOJSON, headers=headers)


def json_link(document: dict[str, Any]) -> str | None:
    """The href of the document's JSON form, for the HTML page's footer."""
    for link in document.get("links", []):
        if link["type"] != HTML and link["rel"] in ("self", "alternate"):
            return str(link["href"])
    return None


def crumb(href: str, title: str) -> dict[str, str]:
    """One breadcrumb of the HTML pages."""
    return {"href": href, "title": title}


def collection_crumbs(base: str, collection_id: str) -> list[dict[str, str]]:
    """Breadcrumbs down to a collection."""
    return [
        crumb(f"{base}/collections?f=html", "数据集"),
        crumb(f"{base}/collections/{collection_id}?f=html", collection_title(collection_id)),
    ]


def items_context(
    base: str, collection_id: str, items_url: str, query: ItemsQuery
) -> dict[str, Any]:
    """What the items page needs beyond the document."""
    communities = collection_id == COMMUNITIES
    return {
        "base": base,
        "title": f"{collection_title(collection_id)} · 要素",
        "crumbs": collection_crumbs(base, collection_id),
        "items_url": items_url,
        "offset": query.offset,
        "columns": ogc_html.COMMUNITY_COLUMNS if communities else ogc_html.PARCEL_COLUMNS,
        "colours": {level.value: colour for level, colour in LEVEL_COLOURS.items()},
    }
