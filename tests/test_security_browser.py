"""In Chromium, template payloads in a map's text show as text (issue 8)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gis_service.maps.files import write_standalone
from gis_service.maps.planner import build_planner_map
from tests.browser import ARTIFACTS, Recorder, chromium
from tests.map_helpers import AS_OF, sample_communities, sample_parcels
from tests.security_payloads import CONSTRUCTOR, PID_49

pytestmark = pytest.mark.browser


def test_payloads_show_as_text_in_the_browser(tmp_path: Path) -> None:
    parcels = sample_parcels()
    properties = parcels["features"][6]["properties"]
    assert properties["code"] == "T-06"
    properties |= {"name": PID_49, "responsible_unit": CONSTRUCTOR}
    m = build_planner_map(parcels, sample_communities(), land=None, avenue=None, as_of=AS_OF,
                          title="{{7*7}} 进度图")  # fmt: skip
    path = tmp_path / "payload.html"
    write_standalone(m, path)
    with chromium() as browser:
        tab = browser.new_page(viewport={"width": 1400, "height": 900})
        recorder = Recorder(tab)
        tab.goto(path.as_uri())
        tab.wait_for_function("window.YatouPlanner && YatouPlanner.current")
        point = tab.evaluate("YatouPlanner.current.pixelOf('T-06')")
        tab.mouse.click(point["x"], point["y"])
        popup = tab.locator(".leaflet-popup-content")
        popup.wait_for()
        text = popup.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / "security_payload_popup.png"))
        title = tab.title()
        body = tab.locator("body").inner_text()
    assert PID_49 in text and CONSTRUCTOR in text
    assert f"{os.getpid()}|49" not in body and "{{7*7}} 进度图" in body + title
    assert recorder.errors == [] and recorder.dialogs == []
