"""The JSON documents of OGC API – Features (OGC 17-069r4): pure builders, no I/O.

Every link is absolute, built from the service's base URL, because GDAL and OWSLib follow
them as given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final
from urllib.parse import quote, urlencode

from gis_service.ogc.query import COMMUNITIES, Format, ItemsQuery
from gis_service.raw_json import RawFeatures
from gis_service.rules.stages import CATEGORY_LABELS_ZH

GEOJSON: Final = "application/geo+json"
JSON: Final = "application/json"
HTML: Final = "text/html"
SCHEMA: Final = "application/schema+json"
SCHEMA_REL: Final = "http://www.opengis.net/def/rel/ogc/1.0/schema"
OPENAPI: Final = "application/vnd.oai.openapi+json;version=3.0"
CRS84: Final = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN: Final = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"

READ_CONFORMANCE: Final[tuple[str, ...]] = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
)
# OGC API – Features Part 4 (OGC 20-002, draft): POST/PUT/DELETE, and PATCH.
WRITE_CONFORMANCE: Final[tuple[str, ...]] = (
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
)

TITLE: Final = "崖头街道城市更新地图"
COMMUNITIES_TITLE: Final = "社区与城中村"


@dataclass(frozen=True)
class Extent:
    """Where and when a collection's data lie; None where unknown."""

    bbox: tuple[float, float, float, float] | None = None
    start: date | None = None
    end: date | None = None


def landing_page(base: str) -> dict[str, Any]:
    """The landing page: title and the links GDAL and OWSLib start from."""
    root = base.removesuffix("/ogc")
    return {
        "title": TITLE,
        "description": "各类更新地块（拆迁区域、老旧小区、闲置楼宇、重点项目）及社区边界，"
        "OGC API – Features 接口。",
        "links": [
            _link(f"{base}", "self", JSON, "本页 (JSON)"),
            _link(f"{base}?f=html", "alternate", HTML, "本页 (HTML)"),
            _link(f"{base}/api", "service-desc", OPENAPI, "OpenAPI 文档"),
            _link(f"{root}/docs", "service-doc", HTML, "接口说明"),
            _link(f"{base}/conformance", "conformance", JSON, "符合的标准"),
            _link(f"{base}/collections", "data", JSON, "数据集"),
        ],
    }


def conformance_document(*, writes: bool) -> dict[str, Any]:
    """The conformance classes served; Part 4's only when writes are available."""
    classes = READ_CONFORMANCE + (WRITE_CONFORMANCE if writes else ())
    return {"conformsTo": list(classes)}


def collection_title(collection_id: str) -> str:
    """The Chinese title of a collection."""
    return COMMUNITIES_TITLE if collection_id == COMMUNITIES else CATEGORY_LABELS_ZH[collection_id]


def collection_document(collection_id: str, extent: Extent, base: str) -> dict[str, Any]:
    """One collection's description: title, extent, CRS and its links."""
    url = f"{base}/collections/{collection_id}"
    document: dict[str, Any] = {
        "id": collection_id,
        "title": collection_title(collection_id),
        "description": _description(collection_id),
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "extent": _extent_json(extent),
        "links": [
            _link(url, "self", JSON, "本数据集 (JSON)"),
            _link(f"{url}?f=html", "alternate", HTML, "本数据集 (HTML)"),
            _link(f"{url}/items", "items", GEOJSON, "要素 (GeoJSON)"),
            _link(f"{url}/items?f=html", "items", HTML, "要素 (HTML)"),
            # Relation types are case-insensitive (RFC 8288 2.1.1) but GDAL's OAPIF driver
            # matches "describedBy" exactly; OGC API – Features Part 5 names the second.
            _link(f"{url}/schema", "describedBy", SCHEMA, "要素的 JSON Schema"),
            _link(f"{url}/schema", SCHEMA_REL, SCHEMA, "要素的 JSON Schema"),
        ],
    }
    return document


def collections_document(extents: dict[str, Extent], base: str) -> dict[str, Any]:
    """Every collection, in the given order."""
    return {
        "links": [
            _link(f"{base}/collections", "self", JSON, "数据集列表 (JSON)"),
            _link(f"{base}/collections?f=html", "alternate", HTML, "数据集列表 (HTML)"),
        ],
        "collections": [collection_document(cid, ext, base) for cid, ext in extents.items()],
    }


def items_document(
    features: list[dict[str, Any]] | RawFeatures,
    *,
    number_matched: int,
    query: ItemsQuery,
    params: list[tuple[str, str]],
    items_url: str,
    time_stamp: datetime,
    fmt: Format = "json",
) -> dict[str, Any]:
    """A page of features with counts, a time stamp and self/alternate/next/prev links.

    next and prev stay in the page's format, so the HTML view pages through HTML.
    """
    media = GEOJSON if fmt == "json" else HTML
    links = [
        _link(_with(items_url, params, f="json"), _rel(fmt, "json"), GEOJSON, "本页 (GeoJSON)"),
        _link(_with(items_url, params, f="html"), _rel(fmt, "html"), HTML, "本页 (HTML)"),
        _link(items_url.removesuffix("/items"), "collection", JSON, "所属数据集"),
    ]
    next_offset = query.offset + query.limit
    if next_offset < number_matched:
        url = _with(items_url, params, offset=str(next_offset), limit=str(query.limit), f=fmt)
        links.append(_link(url, "next", media, "下一页"))
    if query.offset > 0:
        previous = max(query.offset - query.limit, 0)
        url = _with(items_url, params, offset=str(previous), limit=str(query.limit), f=fmt)
        links.append(_link(url, "prev", media, "上一页"))
    return {
        "type": "FeatureCollection",
        "numberMatched": number_matched,
        "numberReturned": len(features),
        "timeStamp": time_stamp.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "links": links,
        "features": features,
    }


def item_document(feature: dict[str, Any], *, items_url: str) -> dict[str, Any]:
    """One feature with its self, alternate and collection links."""
    url = f"{items_url}/{quote(str(feature['id']), safe='')}"
    return feature | {
        "links": [
            _link(url, "self", GEOJSON, "本要素 (GeoJSON)"),
            _link(f"{url}?f=html", "alternate", HTML, "本要素 (HTML)"),
            _link(items_url.removesuffix("/items"), "collection", JSON, "所属数据集"),
        ]
    }


def item_url(items_url: str, feature_id: str) -> str:
    """The URL of one feature of a collection."""
    return f"{items_url}/{quote(feature_id, safe='')}"


def _rel(fmt: Format, link_format: Format) -> str:
    """self for the link in the page's own format, alternate for the other."""
    return "self" if fmt == link_format else "alternate"


def _with(url: str, params: list[tuple[str, str]], **changes: str) -> str:
    """The URL with the request's parameters, some replaced (order kept, new ones last)."""
    kept = [(name, changes.get(name, value)) for name, value in params]
    kept += [(name, value) for name, value in changes.items() if name not in dict(params)]
    return f"{url}?{urlencode(kept)}" if kept else url


def _link(href: str, rel: str, media_type: str, title: str) -> dict[str, str]:
    """One link object."""
    return {"href": href, "rel": rel, "type": media_type, "title": title}


def _extent_json(extent: Extent) -> dict[str, Any]:
    """The extent member: spatial bbox in CRS84, temporal interval of the recorded history."""
    result: dict[str, Any] = {}
    if extent.bbox is not None:
        result["spatial"] = {"bbox": [list(extent.bbox)], "crs": CRS84}
    if extent.start is not None or extent.end is not None:
        result["temporal"] = {
            "interval": [[_instant(extent.start), _instant(extent.end)]],
            "trs": GREGORIAN,
        }
    return result


def _instant(day: date | None) -> str | None:
    """A date as an RFC 3339 date-time at midnight UTC; None stays open."""
    return None if day is None else f"{day.isoformat()}T00:00:00Z"


def _description(collection_id: str) -> str:
    """What the collection holds and how to filter it."""
    if collection_id == COMMUNITIES:
        return "21个社区及城中村边界。可按 kind（community / urban_village）筛选。"
    return (
        f"{collection_title(collection_id)}地块：阶段、进度、期限及按日期计算的风险等级。"
        "可按 stage、community、level 筛选；datetime 取该日（或区间终点）的状态。"
    )
