"""/screen in headless Chromium: both wall sizes, live refresh, stale warning, playback, memory.

The server runs on a database of its own (sample data loaded), because one test edits a
parcel through the API and the page must see it.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from gis_service import db
from gis_service.screen.screen_file import write_screen_file
from gis_service.settings import Settings
from tests.browser import ARTIFACTS, Recorder, chromium
from tests.conftest import SAMPLE_LOADED_ON, free_port, migrated_database, running_server

pytestmark = pytest.mark.browser

PINNED = "2021-09-30"  # a date with overdue (red) and due-soon (orange) parcels
REFRESH_SECONDS = 0.5
SIZES = [(1920, 1080), (3840, 2160)]


@pytest.fixture(scope="module")
def screen_settings() -> Settings:
    """Settings of a database of the module's own, with the sample data, short periods."""
    settings = migrated_database("yatou_test_screen").settings
    return settings.model_copy(
        update={
            "screen_refresh_seconds": REFRESH_SECONDS,
            "screen_playback_seconds": 3,
            "today": SAMPLE_LOADED_ON,  # the live page's "today": edits made now show on it
        }
    )


@pytest.fixture(scope="module")
def server(screen_settings: Settings) -> Iterator[str]:
    """Base URL of a real server of that database."""
    with running_server(screen_settings) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for the module."""
    with chromium() as shared:
        yield shared


def get_json(url: str) -> Any:
    """GET a JSON document."""
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def open_screen(
    browser: Browser, url: str, size: tuple[int, int], *, still: bool = False
) -> tuple[Page, Recorder]:
    """A page showing the screen at a size once every chart has drawn (still: no motion)."""
    page = browser.new_page(
        viewport={"width": size[0], "height": size[1]},
        reduced_motion="reduce" if still else "no-preference",
    )
    recorder = Recorder(page)
    page.goto(url)
    page.wait_for_function("window.YatouScreen && YatouScreen.state.drawnAt !== null")
    return page, recorder


def shown_tiles(page: Page) -> dict[str, float]:
    """Each KPI tile's big number as shown (thousands separators removed), by KPI id."""
    texts: dict[str, str] = page.evaluate(
        """Object.fromEntries([...document.querySelectorAll('.ys-tile')]
             .map(t => [t.dataset.kpi, t.querySelector('.ys-num').textContent]))"""
    )
    return {kpi: float(text.replace(",", "")) for kpi, text in texts.items()}


def api_tiles(server: str, as_of: str) -> dict[str, float]:
    """Each KPI's actual value from /api/kpis for a date."""
    kpis = get_json(f"{server}/api/kpis?as_of={as_of}")["kpis"]
    return {k["id"]: float(k["actual"]) for k in kpis}


def canvases_drawn(page: Page) -> int:
    """How many chart canvases hold non-transparent pixels."""
    count: int = page.evaluate(
        """[...document.querySelectorAll('.ys-chart canvas')].filter(c => {
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; }
             return false;
           }).length"""
    )
    return count


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_screen_fills_the_wall(browser: Browser, server: str, size: tuple[int, int]) -> None:
    page, recorder = open_screen(browser, f"{server}/screen?as_of={PINNED}", size)
    assert recorder.errors == []
    assert [u for u in recorder.requests if not u.startswith((server, "data:"))] == []
    document = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    assert document == list(size)  # no scrollbars, nothing cut
    assert shown_tiles(page) == api_tiles(server, PINNED)
    number_px = float(
        page.evaluate("getComputedStyle(document.querySelector('.ys-num')).fontSize")[:-2]
    )
    assert number_px >= 48 * size[1] / 1080
    assert canvases_drawn(page) == 4
    screen = get_json(f"{server}/api/screen?as_of={PINNED}")
    red = screen["level_counts"]["red"]
    assert red > 0 and page.locator("path.ys-pulse").count() == red
    labelled = red + screen["level_counts"]["orange"]
    assert page.locator(".ys-label").count() == labelled
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(800)  # let the charts' entry animation settle for the picture
    page.screenshot(path=str(ARTIFACTS / f"screen_{size[0]}x{size[1]}.png"))
    page.close()


def test_an_edit_shows_within_one_refresh(
    browser: Browser, server: str, screen_settings: Settings
) -> None:
    page, recorder = open_screen(browser, f"{server}/screen", SIZES[0], still=True)
    first = get_json(f"{server}/api/screen")["watch"][0]
    # The new name is data with markup in it: it must show as text, nowhere as HTML.
    renamed = first["name"] + "<img src=x onerror=alert(1)>（已督办）"
    _edit_name(screen_settings, server, first["code"], renamed)
    cycles = page.evaluate("YatouScreen.state.cycles")
    page.wait_for_function(
        "name => [...document.querySelectorAll('#ys-watch-list .ys-name')]"
        ".some(n => n.textContent === name)",
        arg=renamed,
    )
    # Seen at the first poll after the edit (a poll already in flight may come first).
    assert page.evaluate("YatouScreen.state.cycles") - cycles <= 2
    assert page.locator(".ys-label", has_text=renamed).count() == 1  # a red parcel: labelled
    assert page.locator("#ys-watch-list img, .ys-label img").count() == 0
    assert recorder.dialogs == [] and recorder.errors == []
    page.close()


def _edit_name(settings: Settings, server: str, code: str, name: str) -> None:
    """Rename a parcel through the API (effective today, the date the live page shows)."""
    from gis_service.api import auth

    engine = db.make_engine(settings)
    with db.transaction(engine) as session:
        _, token = auth.create_user(session, name=f"screen-{code}", role="planner")
    engine.dispose()
    with urllib.request.urlopen(f"{server}/api/parcels/{code}", timeout=30) as response:
        tag = response.headers["ETag"]
    request = urllib.request.Request(
        f"{server}/api/parcels/{code}",
        data=json.dumps({"properties": {"name": name}}).encode(),
        method="PATCH",
        headers={
            "Authorization": f"Bearer {token}",
            "If-Match": tag,
            "Content-Type": "application/merge-patch+json",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def test_a_stopped_service_shows_stale_and_recovers(
    browser: Browser, screen_settings: Settings
) -> None:
    port = free_port()
    with running_server(screen_settings, port=port) as url:
        page, _ = open_screen(browser, f"{url}/screen?as_of={PINNED}", SIZES[0], still=True)
        assert page.locator("#ys-stale").is_hidden()
        updated = page.locator("#ys-updated").inner_text()
        assert updated.startswith("数据更新于 ")
        before = shown_tiles(page)
    page.wait_for_selector("#ys-stale", state="visible")
    warning = page.locator("#ys-stale").inner_text()
    assert "连接中断" in warning and updated.removeprefix("数据更新于 ") in warning
    assert shown_tiles(page) == before  # the last good data stays on the wall
    with running_server(screen_settings, port=port):
        page.wait_for_selector("#ys-stale", state="hidden")
    page.close()


def test_playback_plays_the_year_and_ends_on_its_kpis(browser: Browser, server: str) -> None:
    page, recorder = open_screen(browser, f"{server}/screen?as_of=2021-03-31", SIZES[0], still=True)
    page.evaluate(
        """const shown = document.getElementById('ys-date');
           window.seenDates = [];
           new MutationObserver(() => seenDates.push(shown.textContent))
             .observe(shown, {childList: true})"""
    )
    page.click("#ys-play")
    page.wait_for_function(  # the year's 53 folds are computed first: allow for a busy CI
        "YatouScreen.state.frameDate === '2021-12-31' && !YatouScreen.state.playing",
        timeout=180_000,
    )
    assert page.locator("#ys-date").inner_text() == "2021-12-31"
    assert page.locator("#ys-playback-date").inner_text() == "2021-12-31"
    assert shown_tiles(page) == api_tiles(server, "2021-12-31")
    seen: list[str] = page.evaluate("seenDates")
    assert len(set(seen)) >= 40 and seen[-1] == "2021-12-31"  # it moved a week at a time
    assert recorder.errors == []
    page.close()


# With the optimising compilers on (as on the wall PC), V8's compiled code of ECharts, zrender
# and Leaflet grows while their functions get hot (docs/screen.md, "Memory"); twenty warm-up
# refreshes take most of that before the count starts.
def test_heap_stays_flat_over_100_refreshes(browser: Browser, server: str) -> None:
    # Without animations: the test measures what each redraw leaves behind, not frames.
    page, _ = open_screen(browser, f"{server}/screen?as_of={PINNED}", SIZES[0], still=True)
    cdp = page.context.new_cdp_session(page)

    def heap_after(cycles: int) -> int:
        # Each cycle is a full answer (no If-None-Match) of another date than the last, so
        # tiles, charts, map colours, labels and lists are all redrawn every time.
        page.evaluate(
            """async ([n, dates]) => {
                 for (let i = 0; i < n; i++) {
                   await YatouScreen.refresh({force: true, asOf: dates[i % 2]});
                 }
               }""",
            [cycles, [PINNED, "2021-06-30"]],
        )
        # The page keeps polling meanwhile: a reading can catch one poll's answer in flight,
        # garbage a moment later. What the page keeps is the least of a few readings.
        readings = []
        for _ in range(4):
            cdp.send("HeapProfiler.collectGarbage")
            readings.append(cdp.send("Runtime.getHeapUsage")["usedSize"])
        return min(readings)

    # First use fills caches that are not leaks (ECharts' per-series pools, compiled code):
    # unmeasured refreshes before the count starts.
    heap_after(10)
    after_10 = heap_after(10)
    after_100 = heap_after(90)
    print(f"JS heap after 10 refreshes {after_10 / 1e6:.2f} MB, after 100 {after_100 / 1e6:.2f} MB")
    assert after_100 <= 1.2 * after_10
    page.close()


def test_the_standalone_file_opens_offline(
    browser: Browser, server: str, screen_settings: Settings, tmp_path: Path
) -> None:
    engine = db.make_engine(screen_settings)
    with db.transaction(engine) as session:
        path, _ = write_screen_file(
            session, screen_settings, on=date.fromisoformat(PINNED), out=tmp_path
        )
    engine.dispose()
    page, recorder = open_screen(browser, path.as_uri(), SIZES[0], still=True)
    assert recorder.errors == []
    assert [u for u in recorder.requests if u != path.as_uri() and not u.startswith("data:")] == []
    assert shown_tiles(page) == api_tiles(server, PINNED)
    assert page.locator("#ys-play").is_hidden()
    page.screenshot(path=str(ARTIFACTS / "screen_file_1920x1080.png"))
    page.close()
