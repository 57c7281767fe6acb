"""Headless Chromium for the page tests: how it is started and what a page is seen doing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

from gis_service.settings import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"  # Debian's package; never a downloaded browser
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


class Recorder:
    """What a page did: console errors, requests, dialogs (dismissed)."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


# One Chromium for the whole test session: starting it costs about a second per test that
# used to start its own. Started on first use; conftest's pytest_sessionfinish closes it.
_SESSION: dict[str, Any] = {}


def shared_browser() -> Browser:
    """The test session's headless Debian Chromium, started on first use."""
    if "browser" not in _SESSION:
        playwright = sync_playwright().start()
        _SESSION["playwright"] = playwright
        _SESSION["browser"] = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    browser: Browser = _SESSION["browser"]
    return browser


def close_shared_browser() -> None:
    """Close the session's Chromium and its Playwright driver, if they were started."""
    browser, playwright = _SESSION.pop("browser", None), _SESSION.pop("playwright", None)
    if browser is not None:
        browser.close()
    if playwright is not None:
        playwright.stop()


@contextmanager
def chromium() -> Iterator[Browser]:
    """The session's Chromium; every context (and page) opened inside is closed on exit, so
    tests share the browser but never cookies, storage or pages."""
    browser = shared_browser()
    before = set(browser.contexts)
    try:
        yield browser
    finally:
        for context in browser.contexts:
            if context not in before:
                context.close()
