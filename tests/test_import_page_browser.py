"""The /import page driven in Chromium: upload, read the dry-run report, confirm, see it written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sqlalchemy import Engine

from shapely.geometry import box

from gis_service import db
from gis_service.api import auth
from gis_service.repo import parcel_reads
from gis_service.settings import Settings
from tests.browser import ARTIFACTS, Recorder
from tests.conftest import running_server
from tests.people_helpers import PASSWORD, add_person
from tests.transfer_files import write_xlsx

pytestmark = pytest.mark.browser


@pytest.fixture
def planner_token(io_database: tuple[Settings, Engine]) -> Iterator[str]:
    """A planner's token in the commands' database."""
    with db.transaction(io_database[1]) as session:
        _, token = auth.create_user(session, name="page.planner", role="planner")
    yield token


def test_upload_report_and_confirm(
    io_database: tuple[Settings, Engine],
    planner_token: str,
    browser: Browser,
    tmp_path: Path,
) -> None:
    settings, engine = io_database
    header = ["编号", "名称", "类别", "阶段", "完成时限", "备注", "WKT", "经度", "纬度"]
    body = [
        ["PG-1", "页面导入楼", "闲置楼宇", "闲置", "6月底前", "<b>not bold</b>",
         box(122.63, 37.285, 122.631, 37.286).wkt, None, None],
        ["IB-01", None, None, None, None, "页面更新的备注", None, None, None],
        ["PG-PT", "点位楼", "闲置楼宇", "闲置", None, None, None, 122.634, 37.2855],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "页面导入.xlsx", header, body, sheet="闲置楼宇")
    ARTIFACTS.mkdir(exist_ok=True)
    with running_server(settings) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        seen = Recorder(page)
        page.goto(f"{base}/import")
        page.fill("#token", planner_token)
        page.set_input_files("#file", str(path))
        page.click("#preview")
        page.wait_for_selector("#report:not([hidden])")
        assert page.text_content("#n-create") == "2"
        assert page.text_content("#n-update") == "1"
        assert "PG-PT" in (notes := page.text_content("#notes") or "") and "20 m 方框" in notes
        assert "EPSG:4326" in (page.text_content("#crs-decision") or "")
        updated = page.text_content("#updated") or ""
        assert "页面更新的备注" in updated and "（空）" in updated  # the blank deadline clears it
        assert "期限" in updated  # fields named by their Chinese headers
        page.screenshot(path=str(ARTIFACTS / "import-dry-run.png"), full_page=True)
        with db.transaction(engine) as session:
            assert parcel_reads.select_parcel(session, "PG-1") is None
        page.click("#confirm")
        page.wait_for_function("document.getElementById('status').textContent.includes('已导入')")
        page.screenshot(path=str(ARTIFACTS / "import-applied.png"), full_page=True)
        assert page.locator("#updated b").count() == 0  # file text shown as text, not HTML
        assert not seen.errors and not seen.dialogs
        assert all(url.startswith(base) for url in seen.requests)
    with db.transaction(engine) as session:
        created = parcel_reads.select_parcel(session, "PG-1")
        assert created is not None and created["note"] == "<b>not bold</b>"
        events = parcel_reads.select_history(session, "IB-01")
        assert events[0]["actor"] == "import:页面导入.xlsx"


def test_a_signed_in_planner_needs_no_token(
    io_database: tuple[Settings, Engine],
    browser: Browser,
    tmp_path: Path,
) -> None:
    settings, engine = io_database
    with db.transaction(engine) as session:
        add_person(session, "page.signed", "planner")
    header = ["编号", "名称", "类别", "阶段", "WKT"]
    body = [["PG-2", "登录导入楼", "闲置楼宇", "闲置", box(122.632, 37.285, 122.633, 37.286).wkt]]
    path = write_xlsx(tmp_path / "登录导入.xlsx", header, body, sheet="闲置楼宇")
    with running_server(settings) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        seen = Recorder(page)
        page.goto(f"{base}/login?next=/import")
        page.fill("input[name=name]", "page.signed")
        page.fill("input[name=password]", PASSWORD)
        page.click("form.ys-login button[type=submit]")
        page.wait_for_url(f"{base}/import")
        assert "page.signed" in (page.text_content(".ys-bar") or "")  # the shared top bar
        page.set_input_files("#file", str(path))
        page.click("#preview")  # the cookie and its CSRF token, no token typed
        page.wait_for_selector("#report:not([hidden])")
        assert page.text_content("#n-create") == "1"
        assert not seen.errors and all(url.startswith(base) for url in seen.requests)
