"""OGC API – Features documents and HTML views: pure builders, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

from gis_service.ogc import html as ogc_html
from gis_service.ogc.documents import (
    CRS84,
    GEOJSON,
    READ_CONFORMANCE,
    WRITE_CONFORMANCE,
    Extent,
    collection_document,
    collections_document,
    conformance_document,
    item_document,
    items_document,
    landing_page,
)
from gis_service.ogc.query import ItemsQuery
from gis_service.ogc.schema import feature_schema

BASE = "http://example.test/ogc"
ITEMS = f"{BASE}/collections/idle_building/items"
NOW = datetime(2021, 6, 30, 8, 0, tzinfo=UTC)


def links(document: dict[str, object]) -> dict[str, str]:
    """rel → href of a document's links (the first of each rel)."""
    result: dict[str, str] = {}
    for link in document["links"]:  # type: ignore[attr-defined]
        result.setdefault(link["rel"], link["href"])
    return result


def feature(code: str) -> dict[str, object]:
    """A minimal parcel Feature."""
    return {"type": "Feature", "id": code, "geometry": None, "properties": {"code": code}}


def test_landing_page_links_what_gdal_needs() -> None:
    """self, service-desc, conformance and data, all absolute."""
    rels = links(landing_page(BASE))
    assert rels["self"] == BASE
    assert rels["service-desc"] == "http://example.test/ogc/api"
    assert rels["conformance"] == f"{BASE}/conformance"
    assert rels["data"] == f"{BASE}/collections"


def test_conformance_adds_part_4_only_with_writes() -> None:
    """Part 4 classes are declared only when the writes exist."""
    assert conformance_document(writes=False)["conformsTo"] == list(READ_CONFORMANCE)
    assert set(WRITE_CONFORMANCE) <= set(conformance_document(writes=True)["conformsTo"])


def test_collection_has_extent_crs_and_items_link() -> None:
    """Title in Chinese, CRS84 bbox, open-ended interval, items link typed GeoJSON."""
    extent = Extent(bbox=(122.41, 37.14, 122.49, 37.18), start=date(2020, 3, 25))
    document = collection_document("idle_building", extent, BASE)
    assert document["title"] == "闲置楼宇"
    assert document["itemType"] == "feature"
    assert document["crs"] == [CRS84]
    assert document["extent"]["spatial"]["bbox"] == [[122.41, 37.14, 122.49, 37.18]]
    assert document["extent"]["temporal"]["interval"] == [["2020-03-25T00:00:00Z", None]]
    items = [link for link in document["links"] if link["rel"] == "items"]
    assert {"href": ITEMS, "type": GEOJSON} in [
        {"href": link["href"], "type": link["type"]} for link in items
    ]


def test_collections_keep_order_and_communities_title() -> None:
    """Every collection is listed, communities with their own title."""
    document = collections_document({"key_project": Extent(), "communities": Extent()}, BASE)
    assert [c["id"] for c in document["collections"]] == ["key_project", "communities"]
    assert document["collections"][1]["title"] == "社区与城中村"
    assert "extent" in document["collections"][0]


def test_items_first_page_has_next_not_prev() -> None:
    """next keeps the request's filters and moves the offset by the limit."""
    query = ItemsQuery(limit=2, offset=0, filters={"stage": "idle"})
    document = items_document(
        [feature("IB-01"), feature("IB-02")],
        number_matched=5,
        query=query,
        params=[("stage", "idle"), ("limit", "2")],
        items_url=ITEMS,
        time_stamp=NOW,
    )
    assert (document["numberMatched"], document["numberReturned"]) == (5, 2)
    assert document["timeStamp"] == "2021-06-30T08:00:00Z"
    rels = links(document)
    assert "prev" not in rels
    next_query = parse_qs(urlsplit(rels["next"]).query)
    assert next_query == {"stage": ["idle"], "limit": ["2"], "offset": ["2"], "f": ["json"]}


def test_items_last_page_has_prev_not_next() -> None:
    """prev steps back by the limit, never below zero."""
    document = items_document(
        [feature("IB-05")],
        number_matched=5,
        query=ItemsQuery(limit=3, offset=4),
        params=[("offset", "4"), ("limit", "3")],
        items_url=ITEMS,
        time_stamp=NOW,
    )
    rels = links(document)
    assert "next" not in rels
    assert parse_qs(urlsplit(rels["prev"]).query)["offset"] == ["1"]


def test_html_items_page_links_html_pages() -> None:
    """The HTML view pages through HTML."""
    document = items_document(
        [feature("IB-01")],
        number_matched=3,
        query=ItemsQuery(limit=1),
        params=[("f", "html"), ("limit", "1")],
        items_url=ITEMS,
        time_stamp=NOW,
        fmt="html",
    )
    nexts = [link for link in document["links"] if link["rel"] == "next"]
    assert nexts[0]["type"] == "text/html"
    assert "f=html" in nexts[0]["href"]


def test_item_links_are_url_encoded() -> None:
    """A community named in Chinese gets a percent-encoded self link."""
    document = item_document(feature("西山社区"), items_url=f"{BASE}/collections/communities/items")
    assert links(document)["self"].endswith("/items/%E8%A5%BF%E5%B1%B1%E7%A4%BE%E5%8C%BA")
    assert links(document)["collection"] == f"{BASE}/collections/communities"


def test_html_escapes_every_value() -> None:
    """Text from the database is escaped in the item page."""
    hostile = "<img src=x onerror=alert(1)>"
    properties = {"code": "X-1", "name": hostile, "category": "idle_building", "stage": "idle"}
    page = ogc_html.render(
        "item.html",
        document={"properties": properties},
        base=BASE,
        title=hostile,
        crumbs=[{"href": BASE, "title": hostile}],
        json_href=None,
    )
    assert hostile not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "闲置" in page


def test_display_uses_chinese_labels() -> None:
    """Stages, categories, levels and booleans read in Chinese; nested values as JSON."""
    props = {"category": "key_project"}
    assert ogc_html.display("stage", "under_construction", props) == "在建"
    assert ogc_html.display("category", "key_project", props) == "重点项目"
    assert ogc_html.display("level", "red", props).startswith("红")
    assert ogc_html.display("illustrative", True, props) == "是"
    assert ogc_html.display("plan_targets", ["T1"], props) == '["T1"]'
    assert ogc_html.display("note", None, props) == "—"
    assert ogc_html.label("vacant_area_m2") == "空置面积"


def test_feature_schema_follows_the_category() -> None:
    """Stage is an enum of the category's stages; communities have their own three fields."""
    schema = feature_schema("key_project", schema_url=f"{BASE}/collections/key_project/schema")
    properties = schema["properties"]["properties"]["properties"]
    assert properties["stage"]["enum"] == [
        "preparing",
        "under_construction",
        "structure_done",
        "operating",
    ]
    assert properties["deadline"] == {"type": "string", "format": "date"}
    assert properties["floor_area_m2"]["type"] == "number"
    assert list(properties)[0] == "code"
    communities = feature_schema("communities", schema_url=f"{BASE}/collections/communities/schema")
    assert list(communities["properties"]["properties"]["properties"]) == [
        "name",
        "kind",
        "illustrative",
    ]


def test_collection_links_its_schema_for_gdal() -> None:
    """describedBy (GDAL's spelling) and the OGC schema relation point at /schema."""
    document = collection_document("old_compound", Extent(), BASE)
    rels = {link["rel"]: link for link in document["links"]}
    assert rels["describedBy"]["href"] == f"{BASE}/collections/old_compound/schema"
    assert rels["describedBy"]["type"] == "application/schema+json"
    assert "http://www.opengis.net/def/rel/ogc/1.0/schema" in rels
