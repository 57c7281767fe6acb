"""The standalone planners' map in headless Chromium: offline, counts, popups, filters, XSS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from gis_service.maps.files import write_standalone
from tests.browser import ARTIFACTS, Recorder, chromium
from tests.map_helpers import XSS_NAMES, planner_data, sample_map

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample map written as a standalone file."""
    path = tmp_path_factory.mktemp("maps") / "planner.html"
    write_standalone(sample_map(), path)
    return path


@pytest.fixture()
def page(map_file: Path) -> Iterator[tuple[Page, Recorder]]:
    """A Chromium page showing the standalone map, with what it does recorded."""
    with chromium() as browser:
        tab = browser.new_page(viewport={"width": 1400, "height": 900})
        recorder = Recorder(tab)
        tab.goto(map_file.as_uri())
        tab.wait_for_function("window.YatouPlanner && YatouPlanner.current")
        yield tab, recorder


def test_opens_offline_without_errors(page: tuple[Page, Recorder], map_file: Path) -> None:
    tab, rec = page
    tab.wait_for_timeout(300)
    assert rec.errors == []
    assert [u for u in rec.requests if u != map_file.as_uri() and not u.startswith("data:")] == []
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "planner_map.png"))


def test_legend_counts_equal_python_counts(page: tuple[Page, Recorder]) -> None:
    tab, _ = page
    expected = planner_data(sample_map())["counts"]["level"]
    for key, count in expected.items():
        row = tab.locator(f'.yl-row[data-key="{key}"] .yl-count')
        assert row.inner_text() == str(count)
    assert tab.evaluate("YatouPlanner.current.counts()") == expected


def test_clicking_a_parcel_opens_its_popup(page: tuple[Page, Recorder]) -> None:
    tab, _ = page
    point = tab.evaluate("YatouPlanner.current.pixelOf('T-06')")
    tab.mouse.click(point["x"], point["y"])
    popup = tab.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "测试地块6" in popup.inner_text()
    assert "查看变更历史" in popup.inner_text()
    assert tab.locator(".yp-history").get_attribute("href") == "/api/parcels/T-06/history"
    # Words, labels and the overdue flag come from Python (labels.py, the field table, payload).
    data = planner_data(sample_map())
    labels, words = data["field_labels"], data["words"]
    for text in (labels["category"], labels["stage"], labels["deadline"], words["history_link"]):
        assert text in popup.inner_text()
    assert tab.locator(".yp-overdue").inner_text() == "逾期5天"  # T-06 is red, 5 days late
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "planner_popup.png"))


def test_parcel_without_deadline_is_grey_with_its_label(page: tuple[Page, Recorder]) -> None:
    tab, _ = page
    assert tab.evaluate("YatouPlanner.current.openParcel('T-05')")
    badge = tab.locator(".leaflet-popup-content .yp-badge")
    assert badge.inner_text() == "灰 无期限"
    assert badge.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(158, 158, 158)"


def test_community_filter_hides_the_others(page: tuple[Page, Recorder]) -> None:
    tab, _ = page
    tab.select_option("select[name=community]", "东社区")
    codes = tab.evaluate("YatouPlanner.current.visibleCodes()")
    assert sorted(codes) == [f"T-{i:02d}" for i in range(1, 12, 2)]
    assert "显示 6 / 共 12" in tab.locator(".yl-total").inner_text()


def test_colour_switch_shows_stage_legend(page: tuple[Page, Recorder]) -> None:
    tab, _ = page
    tab.check("input[name=yatou-colour][value=stage]")
    assert tab.locator('.yl-row[data-key="idle_building/idle"] .yl-count').inner_text() == "1"


def test_xss_payloads_stay_text(page: tuple[Page, Recorder]) -> None:
    tab, rec = page
    for i, name in enumerate(XSS_NAMES):
        tab.evaluate(f"YatouPlanner.current.openParcel('T-{i:02d}')")
        tab.wait_for_timeout(400)
        assert tab.locator(".leaflet-popup-content .yp-name").inner_text() == name
    tab.fill(".yatou-search input", "<img")
    assert XSS_NAMES[0] in tab.locator(".ys-results").inner_text()
    assert tab.locator(".leaflet-container img[src=x]").count() == 0
    assert rec.dialogs == [] and rec.errors == []


def test_above_the_limit_points_open_and_focus(tmp_path: Path) -> None:
    path = tmp_path / "points.html"
    write_standalone(sample_map(embed_limit=5), path)
    with chromium() as browser:
        tab = browser.new_page(viewport={"width": 1400, "height": 900})
        rec = Recorder(tab)
        tab.goto(path.as_uri())
        tab.wait_for_function("window.YatouPlanner && YatouPlanner.current")
        assert "仅显示各地块的位置点" in tab.locator(".yl-note").inner_text()
        tab.evaluate("YatouPlanner.current.openParcel('T-07')")
        assert "测试地块7" in tab.locator(".leaflet-popup-content").inner_text()
        assert rec.errors == [] and rec.dialogs == []
        assert [u for u in rec.requests if u != path.as_uri() and not u.startswith("data:")] == []
