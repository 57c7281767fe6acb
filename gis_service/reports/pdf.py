"""The report's HTML printed to an A4 PDF by headless Chromium (Debian's package).

Chromium is already a dependency of the service's tests and renders the same HTML the page
shows, with the system's CJK font embedded (subset) in the PDF; page numbers come from its
footer template. Why not WeasyPrint: see docs/reports.md.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from html import escape
from pathlib import Path
from typing import Final

from playwright.sync_api import sync_playwright

ARGS: Final = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def footer_html(as_of: date, illustrative: bool) -> str:
    """Chromium's footer template: the as-of date, 示意数据 and 第 n / N 页."""
    note = " · 示意数据" if illustrative else ""
    # Chromium's header/footer templates start at font-size 0 and use no page fonts.
    return (
        '<div style="width:100%;font-size:8px;color:#666;padding:0 14mm;'
        "font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC',sans-serif;"
        'display:flex;justify-content:space-between">'
        f"<span>数据截至 {escape(as_of.isoformat())}{escape(note)}</span>"
        '<span>第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页'
        "</span></div>"
    )


def print_pdf(html_file: Path, pdf_file: Path, *, chromium: Path, footer: str) -> None:
    """Print an HTML file to an A4 portrait PDF with the footer on every page."""
    # Playwright's sync API refuses a thread that already runs an event loop (or another
    # Playwright), so the printing gets a thread of its own; errors are re-raised here.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-pdf") as pool:
        pool.submit(_print, html_file, pdf_file, chromium, footer).result()


def _print(html_file: Path, pdf_file: Path, chromium: Path, footer: str) -> None:
    """The printing itself, in a thread without an event loop."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=ARGS)
        try:
            page = browser.new_page()
            # Nothing may be fetched from elsewhere: the page is self-contained.
            page.route("http*://**", lambda route: route.abort())
            page.goto(html_file.resolve().as_uri(), wait_until="load")
            page.emulate_media(media="print")
            page.pdf(
                path=str(pdf_file),
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=footer,
                prefer_css_page_size=True,
            )
        finally:
            browser.close()
