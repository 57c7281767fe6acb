"""The committed sample data of the plan (data/geo/): pure checks on the files, no database."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

import shapely
from shapely.geometry import MultiPolygon, box, shape

from gis_service.parcels.fields import FIELD_KINDS
from gis_service.rules.history import fold_changes, state_of_history
from gis_service.sample.figure_table import FIGURE_DATES
from gis_service.sample.generator import build
from gis_service.sample.history_checks import history_problems
from gis_service.settings import PROJECT_ROOT

GEO = Path(__file__).resolve().parents[1] / "data" / "geo"
BOX = box(122.41, 37.14, 122.49, 37.18)
YEAR_END = date(2021, 12, 31)
QUARTER_ENDS = [date(2021, 3, 31), date(2021, 6, 30), date(2021, 9, 30), YEAR_END]
FILES = ("land.geojson", "chengshan_avenue.geojson", "communities.geojson", "parcels.geojson")
# Every field the service stores (its own definition), plus the code and the dated history.
PROPERTY_NAMES = {"code", "history", *FIELD_KINDS} - {"geometry"}
# One square metre in degrees² here (a degree of longitude is about 88.7 km at 37.16 N).
SQUARE_METRE_DEG2 = 1 / (88_700 * 111_000)


@cache
def collection(name: str) -> list[dict[str, Any]]:
    return json.loads((GEO / name).read_text(encoding="utf-8"))["features"]


def parcels() -> list[dict[str, Any]]:
    return [f["properties"] for f in collection("parcels.geojson")]


def of_target(target: str) -> list[dict[str, Any]]:
    return [p for p in parcels() if target in p["plan_targets"]]


@cache
def land() -> Any:
    geom = shape(collection("land.geojson")[0]["geometry"])
    shapely.prepare(geom)
    return geom


def communities(kind: str = "community") -> list[tuple[str, Any]]:
    return [
        (f["properties"]["name"], shape(f["geometry"]))
        for f in collection("communities.geojson")
        if f["properties"]["kind"] == kind
    ]


# Counts of the plan's targets -----------------------------------------------------------


def test_demolition_targets() -> None:
    areas = of_target("T1")
    assert sorted(p["code"] for p in areas) == [f"DA-{k:02d}" for k in range(1, 12)]
    assert sum(p["buildings_total"] for p in areas) == 705
    assert {p["deadline"] for p in areas} == {"2021-02-28"}
    sites = of_target("T2")
    assert sorted(p["code"] for p in sites) == [f"PS-{k:02d}" for k in range(1, 33)]
    assert {p["deadline"] for p in sites} == {"2021-06-30"}
    assert all(p["category"] == "demolition_area" and p["households"] for p in areas + sites)


def test_compound_targets() -> None:
    compounds = of_target("T3")
    assert len(compounds) >= 140
    assert {p["category"] for p in compounds} == {"old_compound"}
    renovated = of_target("T4")
    assert len(renovated) == 6
    assert {"冠岭小区", "惠风小区"} <= {p["name"] for p in renovated}
    assert all(p["plan_targets"] == ["T3", "T4"] for p in renovated)
    assert {p["deadline"] for p in renovated} == {"2021-12-31"}


def test_project_targets() -> None:
    deadlines = {p["name"]: p["deadline"] for p in of_target("T7")}
    assert deadlines == {
        "富智大兴电机": "2021-09-30",
        "美辰口腔医疗中心": "2021-08-31",
        "北大街海鲜市场": "2021-09-30",
        "玥儿湾酒店": "2021-12-31",
        "道南于家商贸综合体": "2021-12-31",
    }
    assert sum(p["investment_wan"] for p in of_target("T7")) == 130000
    attracted = of_target("T8")
    assert {p["name"] for p in attracted} == {"阳光新城商贸综合体", "希尔顿欢朋酒店"}
    assert {p["deadline"] for p in attracted} == {"2021-06-30"}


def test_idle_building_targets() -> None:
    complexes = of_target("T9")
    assert {"上城国际", "利群广场"} <= {p["name"] for p in complexes}
    assert all(p["floor_area_m2"] > 0 for p in complexes)
    assert {(p["name"], p["deadline"]) for p in of_target("T10")} == {
        ("缔景城", "2021-03-31"),
        ("星河郡", "2021-03-31"),
    }
    assert [(p["name"], p["deadline"]) for p in of_target("T11")] == [
        ("道南姜家安置楼", "2021-12-31")
    ]
    for name in ("上城国际", "利群广场"):
        (building,) = [p for p in complexes if p["name"] == name]
        stages = [e["changes"].get("stage") for e in building["history"]]
        assert "partly_operating" in stages


def test_communities_carry_the_plan_names() -> None:
    names = [name for name, _ in communities()]
    assert len(names) == len(set(names)) == 21
    assert {f"{n}社区" for n in ("曙光", "香河", "南山", "沽河", "德平", "河西")} <= set(names)
    assert len(communities("urban_village")) == 4
    for f in collection("communities.geojson"):
        assert f["properties"]["illustrative"] is True


def test_every_parcel_has_every_field_and_a_unique_code() -> None:
    codes = [p["code"] for p in parcels()]
    assert len(codes) == len(set(codes))
    for p in parcels():
        assert set(p) == PROPERTY_NAMES, p["code"]
        assert p["illustrative"] is True and p["name"] and p["responsible_unit"]
        assert p["responsible_person"] and p["note"]
        assert 2 <= len(p["milestones"]) <= 4, p["code"]


# Geometry -------------------------------------------------------------------------------


def test_geometries_are_rfc7946_multipolygons_rounded_to_6_decimals() -> None:
    for name in ("land.geojson", "communities.geojson", "parcels.geojson"):
        for f in collection(name):
            geom = shape(f["geometry"])
            assert f["geometry"]["type"] == "MultiPolygon" and geom.is_valid, name
            for polygon in geom.geoms:
                assert polygon.exterior.is_ccw
                assert all(not ring.is_ccw for ring in polygon.interiors)
    text = (GEO / "parcels.geojson").read_text(encoding="utf-8")
    assert not re.search(r"\d\.\d{7,}", text)
    assert "\\u" not in text  # written with ensure_ascii=False


def test_parcels_lie_on_land_inside_the_box() -> None:
    for f in collection("parcels.geojson"):
        geom = shape(f["geometry"])
        assert BOX.contains(geom) and land().contains(geom), f["properties"]["code"]


def test_no_two_parcels_of_a_category_overlap() -> None:
    features = collection("parcels.geojson")
    geoms = [shape(f["geometry"]) for f in features]
    tree = shapely.STRtree(geoms)
    for i, j in zip(*tree.query(geoms, predicate="intersects"), strict=True):
        a, b = features[i]["properties"], features[j]["properties"]
        if i < j and a["category"] == b["category"]:
            pytest.fail(f"{a['code']} overlaps {b['code']}")


def test_communities_tile_the_land_of_the_box_without_overlaps() -> None:
    cells = communities()
    land_in_box = land().intersection(BOX)
    union = shapely.union_all([g for _, g in cells])
    assert union.symmetric_difference(land_in_box).area < 50 * SQUARE_METRE_DEG2
    for (a, ga), (b, gb) in combinations(cells, 2):
        assert ga.intersection(gb).area < SQUARE_METRE_DEG2, (a, b)
    for name, geom in cells + communities("urban_village"):
        assert isinstance(geom, MultiPolygon) and not geom.is_empty, name
        # Where the box edge crosses the shore the clip was snapped to the 6-decimal grid.
        assert geom.difference(land_in_box).area < 10 * SQUARE_METRE_DEG2, name


def test_each_parcel_lies_in_its_community() -> None:
    cells = dict(communities())
    for f in collection("parcels.geojson"):
        props = f["properties"]
        assert cells[props["community"]].contains(shape(f["geometry"]).centroid), props["code"]


def test_chengshan_avenue_is_an_illustrative_line_near_37_155() -> None:
    (road,) = collection("chengshan_avenue.geojson")
    assert road["properties"]["name"] == "成山大道" and road["properties"]["illustrative"] is True
    line = shape(road["geometry"])
    minx, miny, maxx, maxy = line.bounds
    assert minx == pytest.approx(122.41, abs=0.005) and maxx == pytest.approx(122.48, abs=0.005)
    assert 37.150 < miny <= maxy < 37.160


def test_idle_buildings_on_chengshan_avenue_line_the_road() -> None:
    line = shape(collection("chengshan_avenue.geojson")[0]["geometry"])
    for f in collection("parcels.geojson"):
        if "T9" in f["properties"]["plan_targets"]:
            # About 150 m in degrees: the buildings stand along the road, off its carriageway.
            distance = shape(f["geometry"]).distance(line)
            assert 0 < distance < 0.0015, f["properties"]["name"]


# History --------------------------------------------------------------------------------


def test_history_folds_to_the_properties() -> None:
    for p in parcels():
        expected = {k: v for k, v in p.items() if k != "history"}
        assert fold_changes(p["history"]) == expected, p["code"]
        assert set(p["history"][0]["changes"]) == set(expected), p["code"]


def test_every_parcel_exists_on_the_first_day_of_the_plan() -> None:
    for p in parcels():
        assert p["history"][0]["effective_date"] <= "2021-01-01", p["code"]


def test_every_history_step_keeps_the_rules_of_the_parcel_table() -> None:
    for p in parcels():
        assert history_problems(p["history"]) == [], p["code"]


def test_states_differ_at_each_quarter_end() -> None:
    def snapshot(on: date) -> list[Any]:
        return [state_of_history(p["history"], on) for p in parcels()]

    states = [snapshot(on) for on in QUARTER_ENDS]
    for a, b in combinations(states, 2):
        assert a != b


def test_some_finish_early_some_late_some_not_at_all() -> None:
    dated = [p for p in parcels() if p["deadline"] and p["deadline"] <= "2021-12-31"]
    early = [p for p in dated if p["completed_on"] and p["completed_on"] < p["deadline"]]
    late = [p for p in dated if p["completed_on"] and p["completed_on"] > p["deadline"]]
    open_ = [p for p in dated if p["completed_on"] is None]
    assert early and late and open_
    assert any("T4" in p["plan_targets"] for p in open_)  # one renovation not done in 2021


# The README's figures -----------------------------------------------------------------


def readme_rows() -> dict[str, dict[str, str]]:
    """The figure table of the README, by date, each row by column header."""
    text = (GEO / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- figures:start")[1].split("<!-- figures:end -->")[0]
    table = [line for line in block.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in table[0].strip("|").split("|")]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table[2:]]
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


def test_readme_has_a_row_for_each_figure_date() -> None:
    assert list(readme_rows()) == [day.isoformat() for day in FIGURE_DATES]


def test_plan_targets_are_met_or_missed_as_documented() -> None:
    mid, end = readme_rows()["2021-06-30"], readme_rows()["2021-12-31"]
    assert int(mid["T3 committees formed (of 140)"]) >= 40
    assert int(end["T1 buildings demolished (of 705)"]) == 705
    assert float(end["T9 change since 2021-01-01, points"]) >= 15


# The generator ------------------------------------------------------------------------


def test_generator_is_deterministic_and_the_files_are_up_to_date(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    # The README copy gets its figure table rewritten: it must come out as committed.
    shutil.copy(GEO / "README.md", first / "README.md")
    command = [sys.executable, "-m", "gis_service.sample", "--out", str(first)]
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    table = build(second)
    assert result.stdout == table
    for name in FILES:
        produced = (first / name).read_bytes()
        assert produced == (second / name).read_bytes(), name
        assert produced == (GEO / name).read_bytes(), (
            f"{name} is stale: python -m gis_service.sample"
        )
    readme = (first / "README.md").read_text(encoding="utf-8")
    assert readme == (GEO / "README.md").read_text(encoding="utf-8"), "figure table is stale"


def test_generator_refuses_a_missing_land_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.geojson"
    command = [sys.executable, "-m", "gis_service.sample", "--out", str(tmp_path / "out"),
               "--land-from", str(missing)]  # fmt: skip
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert f"--land-from {missing}: no such file" in result.stderr
    assert not (tmp_path / "out").exists()
