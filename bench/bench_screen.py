"""Benchmark: the leadership screen's weight (HTML + JS + data) and time to its last chart.

Serves the app on the test database of the local cluster (or DATABASE_URL) with the sample
plan, opens /screen in headless Chromium at 1920×1080 and 3840×2160 and prints:

- bytes of the HTML, the CSS, the JS (Leaflet, ECharts, ours) and the data (/api/screen);
- milliseconds from navigation start to the last of the four charts drawn (ECharts
  `finished`), the median of --repeat loads;
- the time /api/screen takes with a fresh fold, from its kept answer, and as a 304.

    python bench/bench_screen.py [--repeat 3] [--as-of 2021-09-30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import urllib.request

from gis_service import db
from gis_service.parcels.loader import load_folder
from gis_service.settings import PROJECT_ROOT, Settings

sys.path.insert(0, str(PROJECT_ROOT))
from bench.bench_db import fresh_database  # noqa: E402
from tests.browser import chromium  # noqa: E402 - the tests' Chromium, after the path
from tests.conftest import SAMPLE_LOADED_ON, running_server  # noqa: E402

SIZES = ((1920, 1080), (3840, 2160))


def bench_settings() -> Settings:
    """Settings of the benchmark database, holding the sample plan."""
    settings = fresh_database("yatou_bench")
    engine = db.make_engine(settings)
    with db.transaction(engine) as session:
        load_folder(session, PROJECT_ROOT / "data" / "geo", today=SAMPLE_LOADED_ON)
    db.analyze(engine)
    engine.dispose()
    return settings


def weigh(base: str, page_url: str, data_url: str) -> dict[str, int]:
    """Bytes of each kind of file the page loads (what a kiosk fetches on opening)."""
    sizes = {"html": 0, "css": 0, "js": 0, "data": 0}
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        urls: list[str] = []
        page.on("requestfinished", lambda r: urls.append(r.url))
        page.goto(page_url)
        page.wait_for_function("YatouScreen.state.drawnAt !== null")
    for url in urls:
        with urllib.request.urlopen(url) as response:
            body = response.read()
        kind = "css" if url.endswith(".css") else "js" if url.endswith(".js") else None
        if kind is None:
            kind = "data" if "/api/" in url else "html"
        sizes[kind] += len(body)
    return sizes


def time_to_last_chart(page_url: str, size: tuple[int, int], repeat: int) -> float:
    """Median milliseconds from navigation to the last chart drawn, over `repeat` loads."""
    figures = []
    with chromium() as browser:
        for _ in range(repeat):
            page = browser.new_page(viewport={"width": size[0], "height": size[1]})
            page.goto(page_url)
            page.wait_for_function("YatouScreen.state.drawnAt !== null")
            figures.append(float(page.evaluate("YatouScreen.state.drawnAt")))
            page.close()
    return statistics.median(figures)


def time_api(data_url: str) -> tuple[float, float, float]:
    """Milliseconds of /api/screen: first (a fold), again (kept), and a 304."""
    timings = []
    tag = ""
    for conditional in (False, False, True):
        headers = {"If-None-Match": tag} if conditional else {}
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(urllib.request.Request(data_url, headers=headers)) as r:
                r.read()
                tag = r.headers["ETag"]
        except urllib.error.HTTPError as error:  # urllib raises on 304
            assert error.code == 304, error
        timings.append(1000 * (time.perf_counter() - started))
    return timings[0], timings[1], timings[2]


def main() -> None:
    """Print the page weight and the time to the last chart."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--as-of", default="2021-09-30")
    args = parser.parse_args()
    settings = bench_settings()
    with running_server(settings) as base:
        data_url = f"{base}/api/screen?as_of={args.as_of}"
        fold, kept, not_modified = time_api(data_url)
        page_url = f"{base}/screen?as_of={args.as_of}"
        sizes = weigh(base, page_url, data_url)
        total = sum(sizes.values())
        print(
            f"page weight: {total} bytes ({total / 1024:.0f} KiB) in all; "
            + ", ".join(f"{kind} {n} bytes" for kind, n in sizes.items())
        )
        print(
            f"/api/screen: {fold:.0f} ms with a fold, {kept:.0f} ms kept, "
            f"304 in {not_modified:.0f} ms"
        )
        for size in SIZES:
            ms = time_to_last_chart(page_url, size, args.repeat)
            print(f"{size[0]}x{size[1]}: navigation to last chart drawn {ms:.0f} ms (median)")


if __name__ == "__main__":
    main()
