"""/idle in headless Chromium at desk and phone size, against a real server and database of
its own: sign in, edit, conflicts, the pipeline, photos, the map's popups (issue 11)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from gis_service import db
from gis_service.cli import main
from gis_service.settings import Settings
from tests.browser import ARTIFACTS, Recorder
from tests.conftest import migrated_database, running_server
from tests.people_helpers import add_person
from tests.photo_helpers import phone_jpeg

pytestmark = pytest.mark.browser

DESK = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "idle-test-pass"
# Chromium reports an HTTP error answer of fetch() on the console; these are the expected ones.
EXPECTED_HTTP = ("status of 412", "status of 415")


@pytest.fixture(scope="module")
def idle_settings() -> Settings:
    """A database of its own (these tests write through a real server), with people in it."""
    settings = migrated_database("yatou_test_idle_browser").settings
    engine = db.make_engine(settings)
    with db.transaction(engine) as session:
        for name, role in (("li", "investment"), ("wang", "investment"), ("zhang", "planner")):
            add_person(session, name, role, PASSWORD)
    engine.dispose()
    return settings


@pytest.fixture(scope="module")
def server(idle_settings: Settings) -> Iterator[str]:
    """Base URL of a real server of that database."""
    with running_server(idle_settings) as url:
        yield url


def open_page(browser: Browser, viewport: dict[str, int]) -> tuple[Page, Recorder]:
    """A page in a fresh context (its own cookies), recorded."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    return page, Recorder(page)


def sign_in(page: Page, server: str, name: str, then: str = "/idle") -> None:
    """Sign in through the form and wait for the page named by `then`."""
    page.goto(f"{server}/login?next={then}")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.ys-login button[type=submit]")
    page.wait_for_url(f"{server}{then}")
    if then.startswith("/idle"):
        page.wait_for_selector("body[data-ready='1']")


def assert_clean(recorder: Recorder, server: str) -> None:
    """No request left the machine; no console error but the expected HTTP answers."""
    outside = [u for u in recorder.requests if not u.startswith((server, "data:", "blob:"))]
    assert outside == []
    unexpected = [e for e in recorder.errors if not any(x in e for x in EXPECTED_HTTP)]
    assert unexpected == []


def open_editor(page: Page, code: str, search: str) -> None:
    """Find a building by search and open its editor from the list."""
    page.fill("#f-search", search)
    item = page.locator(f".idle-item[data-code='{code}']")
    item.locator(".ii-edit").click()
    page.wait_for_selector("#idle-editor .ye-form")


def api(server: str, path: str, **params: Any) -> Any:
    """A JSON read of the API."""
    return httpx.get(f"{server}{path}", params=params, timeout=30).json()


def history(server: str, code: str) -> list[dict[str, Any]]:
    """A parcel's events, newest first."""
    events: list[dict[str, Any]] = api(server, f"/api/parcels/{code}/history")["events"]
    return events


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_investment_edits_liqun_and_sees_it_on_the_map_and_history(
    browser: Browser, server: str, viewport: dict[str, int]
) -> None:
    page, rec = open_page(browser, viewport)
    sign_in(page, server, "li")
    assert page.locator(".ys-bar .ys-user").inner_text() == "li"
    assert page.locator(".ys-bar .ys-role").inner_text() == "招商"
    open_editor(page, "IB-02", "利群广场")
    stages = page.locator("#idle-editor select[name=stage] option").all_inner_texts()
    assert stages == ["闲置", "洽谈中", "已签约", "部分运营", "已盘活"]
    labels = page.locator("#idle-editor .ye-row .ye-label").all_inner_texts()
    assert "责任单位" not in labels and "意向租户" in labels  # only the role's fields
    tenant = f"某影院（{viewport['width']}）"
    stage = "signed" if viewport == DESK else "partly_operating"
    page.select_option("#idle-editor select[name=stage]", stage)
    page.fill("#idle-editor input[name=intended_tenant]", tenant)
    page.click("#idle-editor .ye-save")
    page.wait_for_selector("#idle-editor .ye-status.ye-ok")
    size = "desk" if viewport == DESK else "phone"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"idle_editor_{size}.png"))
    item = page.locator(".idle-item[data-code='IB-02'] .ii-tenant")
    expect(item).to_contain_text(f"意向租户：{tenant}")
    page.close()
    page, rec2 = open_page(browser, viewport)
    sign_in(page, server, "li", then="/map?category=idle_building")
    page.wait_for_function("window.YatouPlanner && YatouPlanner.current")
    point = page.evaluate("YatouPlanner.current.pixelOf('IB-02')")
    page.mouse.click(point["x"], point["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert ("已签约" if stage == "signed" else "部分运营") in popup.inner_text()
    assert popup.locator("a.yp-edit").get_attribute("href") == "/parcels/IB-02/edit"
    page.screenshot(path=str(ARTIFACTS / f"idle_map_popup_{size}.png"))
    page.goto(f"{server}/parcels/IB-02/history")
    assert tenant in page.locator("table").last.inner_text()
    last = history(server, "IB-02")[0]
    assert last["actor"] == "li" and last["field"] in ("stage", "intended_tenant")
    assert_clean(rec, server)
    assert_clean(rec2, server)


def test_two_people_conflict_field_by_field_and_nothing_is_lost(
    browser: Browser, server: str
) -> None:
    first, rec1 = open_page(browser, DESK)
    second, rec2 = open_page(browser, DESK)
    sign_in(first, server, "li")
    sign_in(second, server, "wang")
    open_editor(first, "IB-03", "IB-03")
    open_editor(second, "IB-03", "IB-03")
    first.fill("#idle-editor input[name=intended_tenant]", "甲的租户")
    first.fill("#idle-editor input[name=contact]", "甲 138")
    first.click("#idle-editor .ye-save")
    first.wait_for_selector("#idle-editor .ye-status.ye-ok")
    second.fill("#idle-editor input[name=intended_tenant]", "乙的租户")
    second.click("#idle-editor .ye-save")
    conflict = second.locator("#idle-editor .ye-conflict")
    conflict.wait_for()
    row = conflict.locator("tr[data-field='intended_tenant']")
    assert row.locator(".ye-mine").inner_text() == "乙的租户"
    assert row.locator(".ye-theirs").inner_text() == "甲的租户"
    assert conflict.locator("tr[data-field='contact'] input[value=theirs]").is_checked()
    second.screenshot(path=str(ARTIFACTS / "idle_conflict_desk.png"))
    row.locator("input[value=mine]").check()
    second.click("#idle-editor .ye-resave")
    second.wait_for_selector("#idle-editor .ye-status.ye-ok")
    state = api(server, "/api/parcels/IB-03")["properties"]
    assert state["intended_tenant"] == "乙的租户" and state["contact"] == "甲 138"
    tenants = [
        (e["actor"], e["new_value"])
        for e in history(server, "IB-03")
        if e["field"] == "intended_tenant"
    ]
    assert tenants[:2] == [("wang", "乙的租户"), ("li", "甲的租户")]
    assert_clean(rec1, server)
    assert_clean(rec2, server)


def test_validation_errors_show_next_to_their_field(browser: Browser, server: str) -> None:
    page, rec = open_page(browser, DESK)
    sign_in(page, server, "li")
    open_editor(page, "IB-07", "IB-07")
    page.fill("#idle-editor input[name=vacant_area_m2]", "999999")  # above the floor area
    page.click("#idle-editor .ye-save")
    error = page.locator("#idle-editor .ye-field-error[data-field='vacant_area_m2']")
    error.wait_for()
    assert "vacant" in error.inner_text()
    assert api(server, "/api/parcels/IB-07")["properties"]["vacant_area_m2"] == 20000
    unexpected = [e for e in rec.errors if "status of 422" not in e]
    assert unexpected == []


def test_photo_from_a_file_becomes_a_thumbnail_in_the_popup(
    browser: Browser, server: str, tmp_path: Path
) -> None:
    photo = tmp_path / "site.jpg"
    photo.write_bytes(phone_jpeg())
    fake = tmp_path / "notes.jpg"
    fake.write_text("这不是照片，只是改了扩展名的文本\n", encoding="utf-8")
    page, rec = open_page(browser, DESK)
    sign_in(page, server, "li")
    open_editor(page, "IB-06", "IB-06")
    upload = page.locator("#idle-editor .yph-upload input[type=file]")
    upload.set_input_files(str(fake))
    page.wait_for_function(
        "document.querySelector('#idle-editor .yph-message').textContent.includes('上传失败')"
    )
    assert page.locator("#idle-editor .yph-list img").count() == 0
    upload = page.locator("#idle-editor .yph-upload input[type=file]")
    upload.set_input_files(str(photo))
    page.wait_for_selector("#idle-editor .yph-list img")
    page.goto(f"{server}/map?category=idle_building")
    page.wait_for_function("window.YatouPlanner && YatouPlanner.current")
    point = page.evaluate("YatouPlanner.current.pixelOf('IB-06')")
    page.mouse.click(point["x"], point["y"])
    thumb = page.locator(".leaflet-popup-content .yph-strip img")
    thumb.wait_for()
    page.wait_for_function(
        "document.querySelector('.leaflet-popup-content .yph-strip img').naturalWidth === 320"
    )
    page.screenshot(path=str(ARTIFACTS / "idle_photo_popup_desk.png"))
    assert [e["action"] for e in history(server, "IB-06")][:1] == ["photo_added"]
    assert_clean(rec, server)


def test_done_when_new_user_moves_shangcheng_on_a_phone(
    browser: Browser,
    server: str,
    idle_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("DATABASE_URL", str(idle_settings.database_url))
    assert main(["user", "add", "xiaoli", "--role", "investment", "--password", PASSWORD]) == 0
    before = {k["id"]: k["actual"] for k in api(server, "/api/kpis")["kpis"]}
    page, rec = open_page(browser, PHONE)
    sign_in(page, server, "xiaoli")
    page.click(".idle-tabs [data-view=board]")
    card = page.locator(".ib-card[data-code='IB-01']")
    card.locator("select.ib-move").select_option("revitalised")
    page.wait_for_function(
        "document.getElementById('board-status').textContent.includes('已移至 已盘活')"
    )
    page.locator(".ib-column[data-stage='revitalised'] .ib-card[data-code='IB-01']").wait_for()
    page.screenshot(path=str(ARTIFACTS / "idle_board_phone.png"), full_page=True)
    page.click(".idle-tabs [data-view=list]")
    open_editor(page, "IB-01", "上城国际")
    page.fill("#idle-editor input[name=vacant_area_m2]", "0")
    page.click("#idle-editor .ye-save")
    page.wait_for_selector("#idle-editor .ye-status.ye-ok")
    photo = tmp_path / "shangcheng.jpg"
    photo.write_bytes(phone_jpeg(colour="#a63"))
    page.locator("#idle-editor .yph-upload input[type=file]").set_input_files(str(photo))
    page.wait_for_selector("#idle-editor .yph-list img")
    page.screenshot(path=str(ARTIFACTS / "idle_editor_photo_phone.png"), full_page=True)
    after = {k["id"]: k["actual"] for k in api(server, "/api/kpis")["kpis"]}
    assert after["T9"] > before["T9"] and after["T9d"] > before["T9d"]
    page.click("#idle-editor .ye-close")  # on a phone the editor covers the page
    page.click(".idle-tabs [data-view=board]")
    assert page.locator("#kpi-now").inner_text() == f"{after['T9']}%"
    events = history(server, "IB-01")
    mine = [(e["action"], e["field"], e["new_value"]) for e in events if e["actor"] == "xiaoli"]
    assert ("update", "stage", "revitalised") in mine and ("update", "vacant_area_m2", 0) in mine
    assert "photo_added" in {action for action, _, _ in mine}
    page.goto(f"{server}/map?category=idle_building")
    page.wait_for_function("window.YatouPlanner && YatouPlanner.current")
    point = page.evaluate("YatouPlanner.current.pixelOf('IB-01')")
    page.mouse.click(point["x"], point["y"])
    popup = page.locator(".leaflet-popup-content")
    popup.locator(".yph-strip img").wait_for()
    assert "已盘活" in popup.inner_text()
    # The photo grows the popup after it opened: it is panned again, clear of the title bar.
    page.wait_for_function(
        "document.querySelector('.leaflet-popup-content .yph-strip img').naturalWidth > 0"
    )
    page.wait_for_timeout(400)  # the pan's animation (0.25 s)
    top, bar_bottom = page.evaluate(
        """[document.querySelector('.leaflet-popup').getBoundingClientRect().top,
            document.querySelector('.yatou-titlebar').getBoundingClientRect().bottom]"""
    )
    assert top >= bar_bottom
    # No control lies over the popup: the points 24 px inside its left edge are the popup's own.
    covered = page.evaluate(
        """(() => { const box = document.querySelector('.leaflet-popup-content-wrapper')
                                   .getBoundingClientRect();
                  return [0.2, 0.5, 0.8].map(f => document.elementFromPoint(
                      box.left + 24, box.top + f * box.height).closest('.leaflet-popup') === null);
                })()"""
    )
    assert covered == [False, False, False]
    close = page.locator(".leaflet-popup-close-button").bounding_box()
    assert close is not None and close["x"] + close["width"] <= page.viewport_size["width"]
    page.screenshot(path=str(ARTIFACTS / "map_popup_phone.png"))
    page.locator(".leaflet-popup-close-button").click()
    page.locator(".yatou-search input").wait_for(state="visible")
    assert_clean(rec, server)


def test_no_form_for_a_key_project_and_writes_need_role_and_csrf(
    browser: Browser, server: str
) -> None:
    page, rec = open_page(browser, DESK)
    sign_in(page, server, "li")
    response = page.goto(f"{server}/parcels/KP-01/edit")
    assert response is not None and response.status == 403
    assert page.locator("#editor").count() == 0 and "您无权编辑此地块" in page.content()
    patch = """async ([code, withToken]) => {
        const read = await fetch('/api/parcels/' + code);
        const headers = {'Content-Type': 'application/json', 'If-Match': read.headers.get('ETag')};
        const send = withToken ? yatou.fetch : fetch;
        const body = JSON.stringify({properties: {note: 'from the browser'}});
        const r = await send('/api/parcels/' + code, {method: 'PATCH', headers, body});
        return [r.status, (await r.json()).field || null];
    }"""
    assert page.evaluate(patch, ["KP-01", True]) == [403, None]  # the role, not the token
    assert page.evaluate(patch, ["IB-08", False]) == [403, "X-CSRF-Token"]
    assert page.evaluate(patch, ["IB-08", True])[0] == 200
    assert [e for e in rec.errors if "status of 403" not in e] == []


def test_sign_in_is_throttled_in_the_browser(browser: Browser, server: str) -> None:
    # Last in the module: it throttles the address 127.0.0.1 for the next ten minutes.
    page, _ = open_page(browser, PHONE)
    for _ in range(5):
        page.goto(f"{server}/login")
        page.fill("input[name=name]", "zhang")
        page.fill("input[name=password]", "not the password")
        page.click("form.ys-login button[type=submit]")
        assert "名称或密码不正确" in page.locator(".ys-error").inner_text()
    page.fill("input[name=name]", "zhang")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_response(f"{server}/login") as answer:
        page.click("form.ys-login button[type=submit]")
    assert answer.value.status == 429 and int(answer.value.headers["retry-after"]) > 0
    assert "登录失败次数过多" in page.locator(".ys-error").inner_text()
    page.screenshot(path=str(ARTIFACTS / "login_throttled_phone.png"))
