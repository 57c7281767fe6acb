"""OGC query parameters and format negotiation: pure parsing, no database."""

from __future__ import annotations

from datetime import date

import pytest

from gis_service.ogc.query import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    BadParameter,
    ItemsQuery,
    negotiate_format,
    parse_bbox,
    parse_datetime,
    parse_item_query,
    parse_items_query,
)


def test_defaults() -> None:
    """No parameters: first page of the default size, no filters."""
    assert parse_items_query([], "idle_building") == ItemsQuery(limit=DEFAULT_LIMIT, offset=0)


def test_every_parameter() -> None:
    """Paging, bbox, datetime and property filters are parsed together."""
    query = parse_items_query(
        [
            ("limit", "5"),
            ("offset", "10"),
            ("bbox", "122.4,37.1,122.5,37.2"),
            ("datetime", "2021-06-30"),
            ("stage", "negotiating"),
            ("community", "西山社区"),
            ("level", "red"),
            ("f", "json"),
        ],
        "idle_building",
    )
    assert (query.limit, query.offset, query.as_of) == (5, 10, date(2021, 6, 30))
    assert query.bbox == (122.4, 37.1, 122.5, 37.2)
    assert query.filters == {"stage": "negotiating", "community": "西山社区", "level": "red"}


def test_limit_above_the_maximum_is_capped() -> None:
    """OGC 17-069r4 lets a server cap limit rather than refuse it."""
    assert parse_items_query([("limit", "999999")], "key_project").limit == MAX_LIMIT


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ([("colour", "red")], "colour"),
        ([("as_of", "2021-01-01")], "as_of"),
        ([("kind", "community")], "kind"),
        ([("limit", "0")], "limit"),
        ([("limit", "ten")], "limit"),
        ([("offset", "-1")], "offset"),
        ([("bbox", "1,2,3")], "bbox"),
        ([("bbox", "122.5,37.1,122.4,37.2")], "bbox"),
        ([("bbox", "a,b,c,d")], "bbox"),
        ([("bbox", "nan,1,2,3")], "bbox"),
        ([("datetime", "yesterday")], "datetime"),
        ([("datetime", "2021-06-30/2021-01-01")], "datetime"),
        ([("stage", "operating")], "stage"),
        ([("level", "purple")], "level"),
        ([("limit", "1"), ("limit", "2")], "limit"),
        ([("f", "xml")], "f"),
    ],
)
def test_bad_parameters_name_the_field(params: list[tuple[str, str]], field: str) -> None:
    """Unknown or malformed parameters are 400s naming the parameter (f is checked later)."""
    with pytest.raises(BadParameter) as caught:
        parse_items_query(params, "idle_building")
        negotiate_format(dict(params).get("f"), None)
    assert caught.value.status == 400
    assert caught.value.field == field


def test_communities_take_kind_not_stage() -> None:
    """Each collection has its own queryables."""
    assert parse_items_query([("kind", "urban_village")], "communities").filters == {
        "kind": "urban_village"
    }
    with pytest.raises(BadParameter):
        parse_items_query([("stage", "idle")], "communities")


def test_one_item_takes_only_f_and_datetime() -> None:
    """A single feature has no paging or filters."""
    assert parse_item_query([("datetime", "2021-03-01"), ("f", "html")]) == date(2021, 3, 1)
    with pytest.raises(BadParameter):
        parse_item_query([("limit", "1")])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-06-30", date(2021, 6, 30)),
        ("2021-06-30T23:59:59Z", date(2021, 6, 30)),
        ("2021-06-30t08:00:00+08:00", date(2021, 6, 30)),
        ("2021-01-01/2021-06-30", date(2021, 6, 30)),
        ("../2021-06-30", date(2021, 6, 30)),
        ("/2021-06-30T00:00:00Z", date(2021, 6, 30)),
        ("2021-01-01/..", None),
        ("2021-01-01/", None),
    ],
)
def test_datetime_is_the_instant_or_the_interval_end(text: str, expected: date | None) -> None:
    """datetime maps to the as-of date; an open end means today (None)."""
    assert parse_datetime(text) == expected


def test_bbox_with_heights() -> None:
    """A 6-number bbox drops its heights."""
    assert parse_bbox("122.4,37.1,0,122.5,37.2,100") == (122.4, 37.1, 122.5, 37.2)


@pytest.mark.parametrize(
    ("f", "accept", "expected"),
    [
        (None, None, "json"),
        (None, "*/*", "json"),
        (None, "application/geo+json, application/json", "json"),
        (None, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
        (None, "application/json;q=0.5, text/html", "html"),
        (None, "text/html;q=0.2, application/json", "json"),
        (None, "text/html;q=oops", "json"),
        ("json", "text/html", "json"),
        ("html", "application/json", "html"),
    ],
)
def test_format_negotiation(f: str | None, accept: str | None, expected: str) -> None:
    """f wins over Accept; Accept's q values decide; JSON by default."""
    assert negotiate_format(f, accept) == expected


def test_gdal_date_field_filter_is_refused_with_a_reason() -> None:
    """GDAL sends `-where "deadline >= '2021-06-01'"` as datetime=2021-06-01T/..; refuse it."""
    with pytest.raises(BadParameter) as caught:
        parse_datetime("2021-06-01T/..")
    assert "does not filter a date property" in caught.value.message
