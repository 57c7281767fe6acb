"""The GeoJSON page PostgreSQL builds equals the Features gis_service.features builds in
Python from the same rows, for every parcel of the sample plan on several dates."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from gis_service.parcels.listing import feature_page, list_features
from gis_service.repo.parcel_reads import ParcelQuery
from gis_service.rules.levels import RiskThresholds

THRESHOLDS = RiskThresholds()


def comparable(feature: dict[str, Any]) -> dict[str, Any]:
    """A Feature with its time stamp parsed (text forms of one instant may differ)."""
    properties = dict(feature["properties"])
    properties["updated_at"] = datetime.fromisoformat(properties["updated_at"])
    return {"id": feature["id"], "geometry": feature["geometry"], "properties": properties}


@pytest.mark.parametrize("on", [date(2021, 3, 31), date(2021, 6, 30), date(2022, 1, 1)])
def test_sql_page_equals_python_features(session: Session, on: date) -> None:
    query = ParcelQuery()
    python = list_features(session, query, on=on, thresholds=THRESHOLDS, outline="object")
    built = feature_page(session, query, on=on, thresholds=THRESHOLDS)
    sql = json.loads(built.features.text)
    assert built.number_matched == python.number_matched == len(sql) > 100
    assert [comparable(f) for f in sql] == [comparable(f) for f in python.features]
    # the same keys in the same order (the SQL puts each Feature's text together by hand)
    assert [list(f) for f in sql] == [list(f) for f in python.features]
    assert [list(f["properties"]) for f in sql] == [list(f["properties"]) for f in python.features]


def test_sql_level_filter_and_paging_equal_python(session: Session) -> None:
    on, levels = date(2021, 6, 30), frozenset({"red", "orange"})
    python = list_features(
        session, ParcelQuery(), on=on, thresholds=THRESHOLDS, levels=levels, limit=5, offset=3
    )
    built = feature_page(
        session, ParcelQuery(), on=on, thresholds=THRESHOLDS, levels=levels, limit=5, offset=3
    )
    assert built.number_matched == python.number_matched > 8
    assert [f["id"] for f in json.loads(built.features.text)] == [f["id"] for f in python.features]


@pytest.mark.parametrize("levels", [None, frozenset({"red", "orange"})])
def test_page_past_the_last_match_still_counts_the_matches(
    session: Session, levels: frozenset[str] | None
) -> None:
    on = date(2021, 6, 30)
    python = list_features(
        session, ParcelQuery(), on=on, thresholds=THRESHOLDS, levels=levels, limit=5, offset=5000
    )
    built = feature_page(
        session, ParcelQuery(), on=on, thresholds=THRESHOLDS, levels=levels, limit=5, offset=5000
    )
    assert built.features.count == len(python.features) == 0
    assert built.number_matched == python.number_matched > 0
