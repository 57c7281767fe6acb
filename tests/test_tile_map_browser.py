"""The live planners' map above map_embed_limit in headless Chromium: parcels from the tiles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from gis_service.settings import Settings
from tests.browser import ARTIFACTS, Recorder
from tests.conftest import running_server

pytestmark = pytest.mark.browser

TILE_LIMIT = 5  # the sample's 201 parcels are far above it: the map draws from the tiles


@pytest.fixture(scope="module")
def tiles_server(settings: Settings) -> Iterator[str]:
    """A real server of the sample data whose maps embed at most five parcels."""
    with running_server(settings.model_copy(update={"map_embed_limit": TILE_LIMIT})) as url:
        yield url


@pytest.fixture()
def map_page(browser: Browser, tiles_server: str) -> Iterator[tuple[Page, Recorder]]:
    """/map open in Chromium with its first tiles drawn, what it does recorded."""
    tab = browser.new_page(viewport={"width": 1400, "height": 900})
    rec = Recorder(tab)
    tab.goto(tiles_server + "/map?as_of=2021-06-30")
    tab.wait_for_function("YatouPlanner.current && YatouPlanner.current.renderedCodes().length > 0")
    yield tab, rec


def drawn(tab: Page) -> list[str]:
    """Codes of the parcels MapLibre has drawn in the view."""
    codes: list[str] = tab.evaluate("YatouPlanner.current.renderedCodes()")
    return codes


def test_map_page_is_small_and_embeds_no_parcel(
    tiles_server: str, map_page: tuple[Page, Recorder]
) -> None:
    tab, rec = map_page
    html = tab.evaluate("document.documentElement.outerHTML")
    assert len(html.encode()) < 100_000
    assert tab.evaluate("YatouPlanner.current.visibleCodes()") == []  # nothing embedded
    assert any("/api/tiles/" in u and "as_of=2021-06-30" in u for u in rec.requests)
    # The view's tiles arrive one by one: the first drawn is not yet all of them (CI once
    # counted 47 here). Waiting fails with a timeout when they never come.
    tab.wait_for_function("YatouPlanner.current.renderedCodes().length > 100")
    assert len(drawn(tab)) > 100


def test_tiles_draw_the_level_colours(map_page: tuple[Page, Recorder]) -> None:
    tab, rec = map_page
    tab.wait_for_timeout(300)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = tab.screenshot(path=str(ARTIFACTS / "planner_tiles.png"))
    assert shot
    levels = tab.evaluate(
        "[...new Set(YatouPlanner.current.glMap().queryRenderedFeatures({layers: ['parcels-fill']})"
        ".map(f => f.properties.level))]"
    )
    assert {"orange", "yellow", "green"} <= set(levels)


def test_clicking_a_parcel_opens_its_popup(map_page: tuple[Page, Recorder]) -> None:
    tab, _ = map_page
    target = tab.evaluate(
        """() => {
          const gl = YatouPlanner.current.glMap();
          const f = gl.queryRenderedFeatures({layers: ['parcels-fill']})
            .find(f => f.properties.level === 'orange');
          const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0]
            : f.geometry.coordinates[0][0];
          const n = ring.length;
          const c = ring.reduce((a, p) => [a[0] + p[0] / n, a[1] + p[1] / n], [0, 0]);
          const at = gl.queryRenderedFeatures(gl.project(c), {layers: ['parcels-fill']});
          const box = gl.getCanvas().getBoundingClientRect();
          const pt = gl.project(c);
          const props = at.length ? at[0].properties : {};
          return {code: props.code, name: props.name, x: box.left + pt.x, y: box.top + pt.y};
        }"""
    )
    assert target["code"]
    tab.mouse.click(target["x"], target["y"])
    popup = tab.locator(".leaflet-popup-content .yp-name")
    popup.wait_for()
    assert popup.inner_text() == target["name"]
    assert tab.locator(".leaflet-popup-content .yp-code").inner_text() == target["code"]
    assert "查看变更历史" in tab.locator(".leaflet-popup-content").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    tab.wait_for_timeout(800)  # the popup's auto-pan (animated) ends before the picture
    tab.screenshot(path=str(ARTIFACTS / "planner_tiles_popup.png"))


def test_a_filter_hides_parcels_and_counts_follow(map_page: tuple[Page, Recorder]) -> None:
    tab, rec = map_page
    before = tab.evaluate("YatouPlanner.current.counts()")
    assert before.get("orange", 0) > 0 and before.get("green", 0) > 0
    tab.select_option('select[name="level"]', "orange")
    tab.wait_for_function(
        "YatouPlanner.current.glMap().queryRenderedFeatures({layers: ['parcels-fill']})"
        ".every(f => f.properties.level === 'orange')"
    )
    assert tab.evaluate("YatouPlanner.current.counts()") == {"orange": before["orange"]}
    assert len(drawn(tab)) > 0
    assert rec.errors == []


def test_no_error_and_no_request_off_the_machine(
    tiles_server: str, map_page: tuple[Page, Recorder]
) -> None:
    tab, rec = map_page
    tab.mouse.move(700, 450)
    tab.wait_for_timeout(300)
    assert rec.errors == []
    outside = [u for u in rec.requests if not u.startswith((tiles_server, "data:", "blob:"))]
    assert outside == []


def test_the_screen_draws_its_parcels_from_tiles(browser: Browser, tiles_server: str) -> None:
    tab = browser.new_page(viewport={"width": 1920, "height": 1080})
    rec = Recorder(tab)
    response = tab.goto(tiles_server + "/screen?as_of=2021-09-30")
    assert response is not None and len(response.body()) < 100_000
    tab.wait_for_function("YatouScreenTiles.renderedCodes().length > 100")
    tab.wait_for_timeout(500)
    levels = tab.evaluate(
        "[...new Set(YatouScreenTiles.glMap().queryRenderedFeatures({layers: ['parcels-fill']})"
        ".map(f => f.properties.level))]"
    )
    assert {"red", "orange", "green"} <= set(levels)
    assert any("/api/screen/tiles/" in u and "as_of=2021-09-30" in u for u in rec.requests)
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "screen_tiles_1080p.png"))
    assert rec.errors == []
    outside = [u for u in rec.requests if not u.startswith((tiles_server, "data:", "blob:"))]
    assert outside == []


def test_the_prefetch_works_out_the_tiles_maplibre_asks_for(
    map_page: tuple[Page, Recorder],
) -> None:
    # The sample's 201 parcels fit the first view, so the page fetched nothing ahead. Asked
    # for the first view of a million parcels there, tile_prefetch.js names a closer view and
    # its tiles; moved to that view, MapLibre must ask for exactly those tiles (one missing
    # would be cut twice, one extra cut for nothing).
    tab, rec = map_page
    tab.wait_for_timeout(300)
    predicted = tab.evaluate(
        """() => {
          const map = Object.values(window).find(v => v instanceof L.Map);
          const cfg = YatouTilePrefetch.config;
          const size = map.getSize();
          const view = YatouTilePrefetch.firstView(cfg.bounds, 1e6, size.x, size.y);
          const tiles = YatouTilePrefetch.viewTiles(view, size.x, size.y);
          map.setView(view.centre, view.zoom, {animate: false});
          return {zoom: view.zoom, fitted: view.fitted, tiles: tiles.map(t => t.join('/'))};
        }"""
    )
    assert predicted["zoom"] > predicted["fitted"] and predicted["tiles"]
    tab.wait_for_function("YatouPlanner.current.glMap().areTilesLoaded()")
    tab.wait_for_timeout(300)
    z = predicted["zoom"] - 1
    asked = {
        "/".join(u.split("/api/tiles/")[1].split(".mvt")[0].split("/"))
        for u in rec.requests
        if f"/api/tiles/{z}/" in u
    }
    assert asked == set(predicted["tiles"])
