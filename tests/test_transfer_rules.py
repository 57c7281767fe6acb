"""Pure parts of import: the synonym table, cells, the CRS decision and GCJ-02 (no database)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pyproj import Transformer

from gis_service.maps.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02
from gis_service.settings import PROJECT_ROOT
from gis_service.transfer.cells import CellError, cell_value
from gis_service.transfer.columns import (
    COLUMNS,
    category_of,
    field_of_header,
    is_ignored_header,
    stage_of,
)
from gis_service.transfer.columns_doc import DOC, doc_with_table
from gis_service.transfer.crs import decide_crs, to_lonlat
from gis_service.transfer.formula_text import csv_text, from_csv_text, is_formula_like

TRUTH = (122.44, 37.15)


def test_the_doc_table_is_generated_from_the_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert text == doc_with_table(text), "run: python -m gis_service.transfer.columns_doc"
    assert DOC.is_relative_to(PROJECT_ROOT)


@pytest.mark.parametrize(
    ("header", "field"),
    [("名称", "name"), ("项目名称", "name"), ("编号", "code"), ("进度状态", "stage"),
     ("进度（%）", "progress"), ("开始时间", "start_date"), ("完成时限", "deadline"),
     ("期限", "deadline"), ("投资(万元)", "investment_wan"), ("意向业态/客商", "intended_tenant"),
     (" Floor_Area ", "floor_area_m2"), ("建筑面积（㎡）", "floor_area_m2"), ("备注", "note")],
)  # fmt: skip
def test_headers_map_to_fields(header: str, field: str) -> None:
    assert field_of_header(header) == field


def test_every_synonym_names_one_field_and_shp_names_fit_dbase() -> None:
    names = [n for c in COLUMNS for n in (c.header_zh, c.shp, *c.synonyms)]
    owners = {
        n: {c.field for c in COLUMNS if n in (c.header_zh, c.shp, *c.synonyms)} for n in names
    }
    assert all(len(fields) == 1 for fields in owners.values())
    assert all(len(c.shp.encode()) <= 10 for c in COLUMNS)
    assert is_ignored_header("预警等级") and field_of_header("预警等级") is None


def test_labels_become_keys() -> None:
    assert category_of("闲置楼宇") == "idle_building" and category_of("公园") is None
    assert stage_of("key_project", "主体完工") == "structure_done"
    assert stage_of("old_compound", "施工中") == "under_construction"
    assert stage_of("key_project", "施工中") is None


@pytest.mark.parametrize(
    ("field", "raw", "value"),
    [("deadline", "2月底", "2021-02-28"), ("deadline", "6月底前", "2021-06-30"),
     ("deadline", "9月份", "2021-09-30"), ("deadline", "年底", "2021-12-31"),
     ("deadline", "年内", "2021-12-31"), ("deadline", "利用3年时间", "2023-12-31"),
     ("deadline", 44377, "2021-06-30"), ("deadline", datetime(2021, 6, 30), "2021-06-30"),
     ("deadline", date(2021, 6, 30), "2021-06-30"), ("deadline", "2021/6/30", "2021-06-30"),
     ("progress", "45%", 45), ("floor_area_m2", "12,000", 12000), ("households", 88.0, 88),
     ("plan_targets", "T1、T2", ["T1", "T2"]), ("illustrative", "是", True),
     ("note", "  ", None), ("name", 101.0, "101")],
)  # fmt: skip
def test_cells_become_values(field: str, raw: object, value: object) -> None:
    assert cell_value(field, raw, year=2021) == value


@pytest.mark.parametrize(
    ("field", "raw"),
    [("deadline", "明年"), ("deadline", 12), ("deadline", "2月30日"), ("households", 1.5),
     ("progress", "很多"), ("illustrative", "也许"), ("milestones", "not json")],
)  # fmt: skip
def test_bad_cells_say_why(field: str, raw: object) -> None:
    with pytest.raises(CellError) as error:
        cell_value(field, raw, year=2021)
    assert str(error.value)


def projected(epsg: int) -> tuple[float, float]:
    """TRUTH in a projected CRS."""
    x, y = Transformer.from_crs(4326, epsg, always_xy=True).transform(*TRUTH)
    return float(x), float(y)


@pytest.mark.parametrize(
    ("point", "crs", "swapped"),
    [(TRUTH, "EPSG:4326", False), (TRUTH[::-1], "EPSG:4326", True),
     (projected(4550), "EPSG:4550", False), (projected(4550)[::-1], "EPSG:4550", True),
     (projected(4529), "EPSG:4529", False), (projected(4529)[::-1], "EPSG:4529", True)],
)  # fmt: skip
def test_values_decide_the_crs_and_land_on_the_truth(
    point: tuple[float, float], crs: str, swapped: bool
) -> None:
    decision = decide_crs([point], declared=None)
    assert (decision.crs, decision.swapped) == (crs, swapped) and decision.reason
    lon, lat = to_lonlat(decision)(*point)
    assert abs(lon - TRUTH[0]) < 1e-7 and abs(lat - TRUTH[1]) < 1e-7


def test_declared_override_and_nothing_fits() -> None:
    assert decide_crs([TRUTH], declared="EPSG:4490").crs == "EPSG:4490"
    wrong = decide_crs([projected(4550)], declared="EPSG:4326")
    assert wrong.crs == "EPSG:4550" and "the file says EPSG:4326" in wrong.reason
    assert decide_crs([TRUTH], declared="EPSG:4326", override="EPSG:4550").crs == "EPSG:4550"
    nothing = decide_crs([(5.0, 5.0)], declared=None)
    assert nothing.crs is None and "no known system" in nothing.reason
    with pytest.raises(ValueError):
        decide_crs([TRUTH], declared=None, override="EPSG:999999")


def test_gcj02_inverse_lands_within_5_m() -> None:
    for lon, lat in [(122.44, 37.15), (122.31, 37.01), (122.64, 37.29)]:
        shifted = wgs84_to_gcj02(lon, lat)
        assert abs(shifted[0] - lon) > 0.003  # the ~450 m shift is there
        back = gcj02_to_wgs84(*shifted)
        assert abs(back[0] - lon) * 88_000 < 5 and abs(back[1] - lat) * 111_000 < 5
    decision = decide_crs([wgs84_to_gcj02(*TRUTH)], declared=None, gcj02_note="sheet 高德坐标")
    lon, lat = to_lonlat(decision)(*wgs84_to_gcj02(*TRUTH))
    assert decision.gcj02 and abs(lon - TRUTH[0]) < 1e-6 and abs(lat - TRUTH[1]) < 1e-6


@pytest.mark.parametrize(
    "stored", ["=1+1", "-x", "'=1+1", "''@sum", "'plain", "plain", "'", "it's", "", "  =a"]
)
def test_csv_cells_round_trip_and_never_start_a_formula(stored: str) -> None:
    written = csv_text(stored)
    assert from_csv_text(written) == stored
    assert not is_formula_like(written)
