"""The planners' map as objects and rendered HTML (issue 5), without a browser or a database."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

import folium
from folium.plugins import MarkerCluster, MeasureControl
from shapely.geometry import Point, shape

from gis_service.maps.assets import ASSETS, UnknownAssetError, inline_assets, link_assets
from gis_service.maps.basemaps import basemap_layers
from gis_service.maps.files import render_standalone, write_standalone
from gis_service.maps.gcj02 import out_of_china, wgs84_to_gcj02
from gis_service.maps.payload import deadline_windows
from gis_service.maps.planner import COMMUNITIES_LAYER_ZH
from gis_service.maps.planner_element import PlannerScript
from gis_service.maps.safe_json import script_json
from gis_service.maps.styling import STAGE_RAMP, stage_colour
from gis_service.rules.levels import LEVEL_COLOURS, Level
from gis_service.rules.phrases import deadline_phrase
from gis_service.rules.stages import CATEGORIES, CATEGORY_LABELS_ZH, STAGES
from tests.map_helpers import AS_OF, LEVELS, planner_data, sample_map, sample_parcels

STATIC = Path(__file__).resolve().parent.parent / "gis_service" / "static"


def layer_names(m: folium.Map, kind: type) -> list[str]:
    """Names of the map's layers of one kind, in order."""
    return [c.layer_name for c in m._children.values() if type(c) is kind]


def positions(coords: Any) -> list[list[float]]:
    """Every position in nested GeoJSON coordinates."""
    if isinstance(coords[0], int | float):
        return [coords]
    return [p for c in coords for p in positions(c)]


# ---------- layers, colours, legend ----------


def test_one_layer_per_category_plus_communities_and_base() -> None:
    m = sample_map()
    names = layer_names(m, folium.FeatureGroup)
    for category in CATEGORIES:
        assert CATEGORY_LABELS_ZH[category] in names
    assert COMMUNITIES_LAYER_ZH in names
    assert any(name.startswith("底图") for name in names)
    assert any(isinstance(c, folium.LayerControl) for c in m._children.values())


def test_parcels_go_to_their_category_layer() -> None:
    m = sample_map()
    script = next(c for c in m._children.values() if isinstance(c, PlannerScript))
    for category in CATEGORIES:
        assert script.layers[category].layer_name == CATEGORY_LABELS_ZH[category]
        assert f'"{category}":{script.layers[category].get_name()}' in script.layers_js()


def test_level_colours_are_the_design_colours() -> None:
    data = planner_data(sample_map())
    assert {c["key"]: c["colour"] for c in data["levels"]} == {
        lvl.value: colour for lvl, colour in LEVEL_COLOURS.items()
    }
    assert [c["key"] for c in data["levels"]][:2] == ["red", "orange"]  # most urgent first
    assert data["unknown_colour"] == "#9e9e9e"  # planner.js's colour for a key it does not know


def test_legend_counts_match_the_data() -> None:
    data = planner_data(sample_map())
    assert data["counts"]["level"] == dict(Counter(LEVELS[i % 6] for i in range(12)))
    assert sum(data["counts"]["stage"].values()) == 12
    assert data["counts"]["stage"]["demolition_area/not_started"] == 3  # i = 0, 4, 8


def test_stage_colouring_is_sequential_per_category() -> None:
    data = planner_data(sample_map(colour="stage"))
    assert data["colour"] == "stage"
    for category, stages in STAGES.items():
        colours = [stage_colour(category, s) for s in stages]
        assert colours[0] == STAGE_RAMP[0] and colours[-1] == STAGE_RAMP[-1]
        assert len(set(colours)) == len(colours)
        brightness = [sum(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in colours]
        assert brightness == sorted(brightness, reverse=True)  # later stages darker
    assert stage_colour("key_project", "not_a_stage") == "#9e9e9e"
    assert len(data["stages"]) == sum(len(s) for s in STAGES.values())


def test_colour_must_be_level_or_stage() -> None:
    with pytest.raises(ValueError, match="colour"):
        sample_map(colour="rainbow")


# ---------- what is embedded ----------


def test_only_shown_properties_are_embedded_and_coordinates_rounded() -> None:
    data = planner_data(sample_map())
    record = data["parcels"][4]
    assert "responsible_person" not in record and "note" not in record
    assert record["deadline_text"] == "已完成"  # level green
    for p in data["parcels"]:
        for lon, lat in positions(p["geometry"]["coordinates"]):
            assert lon == round(lon, 6) and lat == round(lat, 6)
    html = sample_map().get_root().render()
    assert "秘密的人" not in html and "不应嵌入的备注" not in html
    assert not re.search(r"\d\.\d{7,}", _embedded_json(html))


def test_derived_flags_are_embedded_for_the_script() -> None:
    by_code = {p["code"]: p for p in planner_data(sample_map())["parcels"]}
    assert [c for c, p in sorted(by_code.items()) if p["overdue"]] == ["T-00", "T-06"]  # red
    assert by_code["T-05"]["level"] == "grey" and by_code["T-05"]["overdue"] is False
    assert (
        by_code["T-00"]["stage_key"] == f"{by_code['T-00']['category']}/{by_code['T-00']['stage']}"
    )


def test_deadline_windows_and_phrases() -> None:
    assert deadline_windows(date(2021, 9, 30), date(2021, 7, 1), done=False) == ["quarter"]
    assert deadline_windows(date(2021, 7, 10), AS_OF, done=False) == []  # Q2 ends on D
    assert deadline_windows(date(2021, 6, 30), AS_OF, done=False) == ["month", "quarter"]
    assert deadline_windows(date(2021, 6, 29), AS_OF, done=False) == ["overdue"]
    assert deadline_windows(date(2021, 10, 1), AS_OF, done=False) == []
    assert deadline_windows(date(2021, 6, 29), AS_OF, done=True) == []
    assert deadline_windows(None, AS_OF, done=False) == []
    assert deadline_phrase(-3, done=False) == "逾期3天"
    assert deadline_phrase(12, done=False) == "剩余12天"
    assert deadline_phrase(0, done=False) == "今日到期"
    assert deadline_phrase(None, done=False) == "无期限"


def test_title_bar_settings_are_embedded() -> None:
    changed = datetime(2021, 6, 29, 17, 5)
    data = planner_data(sample_map(data_changed_at=changed, date_picker_url=None))
    assert data["as_of"] == "2021-06-30" and data["as_of_text"] == "2021年6月30日"
    assert data["data_changed_at"] == "2021-06-29 17:05"
    assert data["date_picker_url"] is None
    assert data["history_url"] == "/api/parcels/{code}/history"


# ---------- escaping ----------


def test_xss_payloads_never_appear_raw() -> None:
    for html in (sample_map().get_root().render(), render_standalone(sample_map())):
        assert "<img src=x" not in html
        assert "alert(2)</script>" not in html
        assert html.count("<script") == html.count("</script>")
        assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
        assert '"${alert(1)}"' in html and '"`x`"' in html  # plain JSON strings, no templates


def test_script_json_escapes_breakouts_and_round_trips() -> None:
    import json

    value = {"n": "</script><!-- & \u2028\u2029 ${x} `y`"}
    text = script_json(value)
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == value


def test_page_title_is_escaped() -> None:
    html = sample_map(title="<b>图</b>").get_root().render()
    assert "<title>&lt;b&gt;图&lt;/b&gt;</title>" in html


# ---------- offline ----------


def _external_refs(html: str) -> list[str]:
    """src/href attributes and CSS url()s that point off the machine."""
    attrs = re.findall(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=[\"']?([^\"' >]+)", html)
    urls = re.findall(r"url\(\s*[\"']?([^\"')]+)", html)
    return [u for u in attrs + urls if re.match(r"(https?:)?//", u)]


def _embedded_json(html: str) -> str:
    """The data argument of YatouPlanner.init in the rendered page."""
    return html[html.index("YatouPlanner.init(") :]


def test_live_page_links_only_local_static_files() -> None:
    html = sample_map().get_root().render()
    assert _external_refs(html) == []
    # Own files are linked by content hash (`?v=`, served immutable); vendor folders name a version.
    links = [u.split("?v=")[0] for u in re.findall(r'(?:src|href)="(/static/[^"]+)"', html)]
    assert 'src="/static/js/planner.js?v=' in html
    assert {link.removeprefix("/static/") for link in links} == {
        ASSETS[n]
        for n in (
            "leaflet",
            "leaflet_css",
            "Control.Fullscreen.js",
            "Control.FullScreen.css",
            "yatou_planner_js",
            "yatou_planner_css",
        )
    }
    for link in links:
        assert (STATIC / link.removeprefix("/static/")).is_file()
    assert "jquery" not in html.lower() and "bootstrap" not in html.lower()


def test_static_url_prefix_is_configurable() -> None:
    html = sample_map(static_url="/yatou/static").get_root().render()
    assert 'src="/yatou/static/vendor/leaflet-1.9.3/leaflet.js"' in html


def test_building_does_not_touch_folium_class_defaults() -> None:
    before = list(folium.Map.default_js)
    sample_map()
    assert folium.Map.default_js == before
    assert any("jsdelivr" in url for _name, url in folium.Map.default_js)


def test_unbundled_asset_is_refused() -> None:
    m = sample_map()
    MeasureControl().add_to(m)
    with pytest.raises(UnknownAssetError, match="measure"):
        link_assets(m)


def test_every_bundled_asset_exists_with_a_licence() -> None:
    for path in ASSETS.values():
        assert (STATIC / path).is_file(), path
    for folder in (STATIC / "vendor").iterdir():
        if folder.is_dir():
            assert any("LICEN" in f.name.upper() for f in folder.iterdir()), folder
    assert (STATIC / "vendor" / "README.md").is_file()


def test_standalone_file_is_self_contained(tmp_path: Path) -> None:
    path = tmp_path / "maps" / "planner.html"
    written = write_standalone(sample_map(), path)
    html = path.read_text(encoding="utf-8")
    assert written == path.stat().st_size
    assert 150_000 < written < 400_000  # Leaflet ~150 KB; the sample data are small
    assert _external_refs(html) == []
    assert "<script src" not in html and "<link" not in html
    assert "data:image/png;base64," in html and "data:image/svg+xml;base64," in html
    assert "L.control.scale" in html and "L.control.fullscreen" in html


def test_relinking_after_inlining_switches_back() -> None:
    m = inline_assets(sample_map())
    html = link_assets(m, "/s/").get_root().render()
    assert 'src="/s/vendor/leaflet-1.9.3/leaflet.js"' in html
    assert "L.control.layers" in html and "function indexBy" not in html


# ---------- basemaps and GCJ-02 ----------


@pytest.mark.parametrize(
    ("wgs", "gcj"),
    [  # published test vectors of the transform (lat, lon)
        ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
        ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
        ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
    ],
)
def test_gcj02_known_values(wgs: tuple[float, float], gcj: tuple[float, float]) -> None:
    lon, lat = wgs84_to_gcj02(wgs[1], wgs[0])
    assert lon == pytest.approx(gcj[1], abs=1e-9) and lat == pytest.approx(gcj[0], abs=1e-9)


def test_gcj02_leaves_points_outside_china_alone() -> None:
    assert out_of_china(-0.1276, 51.5072)
    assert wgs84_to_gcj02(-0.1276, 51.5072) == (-0.1276, 51.5072)
    assert not out_of_china(122.42, 37.16)


def test_gaode_basemap_shifts_our_layers() -> None:
    plain = planner_data(sample_map())["parcels"][0]["geometry"]["coordinates"][0][0]
    data = planner_data(sample_map(basemap="gaode"))
    shifted = data["parcels"][0]["geometry"]["coordinates"][0][0]
    expected = wgs84_to_gcj02(*plain)
    assert shifted == pytest.approx(expected, abs=2e-6)
    assert data["land"] == [] and data["avenue"] == []  # the tiles are the base
    community = data["community_shapes"][0]["geometry"]["coordinates"][0][0]
    assert (
        community
        != planner_data(sample_map())["community_shapes"][0]["geometry"]["coordinates"][0][0]
    )


def test_basemap_settings() -> None:
    assert basemap_layers("none", None) == []
    with pytest.raises(ValueError, match="tianditu_key"):
        basemap_layers("tianditu", None)
    with pytest.raises(ValueError, match="basemap"):
        basemap_layers("bing", None)
    tianditu = basemap_layers("tianditu", "k&y")
    assert len(tianditu) == 2 and "tk=k%26y" in tianditu[0].tiles
    assert "autonavi" in basemap_layers("gaode", None)[0].tiles
    html = sample_map(basemap="osm").get_root().render()
    assert "tile.openstreetmap.org" in html and "底图（" not in html


# ---------- above the embed limit ----------


def test_above_the_limit_embeds_clustered_points() -> None:
    m = sample_map(embed_limit=5)
    data = planner_data(m)
    assert data["mode"] == "points"
    clusters = layer_names(m, MarkerCluster)
    assert clusters == [CATEGORY_LABELS_ZH[c] for c in CATEGORIES]
    source = sample_parcels()["features"]
    for record, feature in zip(data["parcels"], source, strict=True):
        assert record["geometry"]["type"] == "Point"
        assert (
            shape(feature["geometry"])
            .buffer(1e-6)
            .contains(Point(record["geometry"]["coordinates"]))
        )
    assert data["counts"]["level"]["red"] == 2
    assert data["community_shapes"][0]["geometry"]["type"] == "Polygon"  # outlines kept
    html = render_standalone(m)
    assert "L.markerClusterGroup" in html and "Leaflet.markercluster" in html
    assert _external_refs(html) == []


def test_at_the_limit_shapes_are_embedded() -> None:
    assert planner_data(sample_map(embed_limit=12))["mode"] == "shapes"
    assert LEVEL_COLOURS[Level.BLUE] == "#4575b4"


def test_custom_basemap_uses_the_configured_tile_server() -> None:
    layers = basemap_layers("custom", None, "http://tiles.intranet/{z}/{x}/{y}.png", "市测绘院")
    assert len(layers) == 1 and layers[0].tiles == "http://tiles.intranet/{z}/{x}/{y}.png"
    with pytest.raises(ValueError, match="basemap_url"):
        basemap_layers("custom", None)
