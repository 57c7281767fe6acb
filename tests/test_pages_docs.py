"""The API reference at /docs works on a closed intranet: every asset from the service."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser import Recorder, chromium


@pytest.mark.browser
def test_docs_page_loads_only_from_the_service(live_server: str) -> None:
    with chromium() as browser:
        tab = browser.new_page()
        rec = Recorder(tab)
        tab.goto(f"{live_server}/docs")
        tab.locator(".opblock-summary-path").first.wait_for()
        paths = tab.locator(".opblock-summary-path").all_inner_texts()
        assert "/api/parcels" in paths and "/api/kpis" in paths
        assert rec.errors == []
        hosts = {urlsplit(u).netloc for u in rec.requests if not u.startswith("data:")}
        assert hosts == {urlsplit(live_server).netloc}
