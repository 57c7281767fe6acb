"""The planners' map at city scale (issue 10, goal 4): drawn from vector tiles in Chromium.

    python bench/bench_map.py [--parcels 100000] [--workers 2] [--before] [--reuse]

Builds (or with --reuse keeps, when it already holds that many parcels) `yatou_city_map` in
the local cluster with N parcels × 14 events (bench/city_data.py), serves it with
`gis-service serve`, opens /map and /screen in headless Chromium (the tests' Debian Chromium:
WebGL runs on SwiftShader, the CPU, so frame times are pessimistic against an office PC's GPU)
and prints:

- the HTML bytes of /map and /screen (goal: under 100 KB at any size);
- milliseconds from navigation start to the first parcels drawn by MapLibre (goal: 3 s), cold
  (new server, new browser profile), for a second visitor (tiles cached by the server) and for
  the same browser again (its HTTP cache kept), with where the cold time went: HTML, scripts,
  first tile asked and received, GL map made, first tile cut by MapLibre's worker;
- frame times (requestAnimationFrame deltas: median, p95, max, frames over 50 ms) during a
  scripted drag of the map at the first view and after zooming in two levels;
- with --before, the page the map served before (every parcel embedded as a point, as a
  standalone file still is): its bytes and build time, and the ratio.

No figure is asserted; `--parcels 300` is a quick form, `--no-pan` skips the drags.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_city import environment, free_port, process  # noqa: E402
from bench.bench_db import city  # noqa: E402
from bench.load import wait_for  # noqa: E402
from gis_service import db  # noqa: E402
from gis_service.settings import Settings  # noqa: E402
from tests.browser import chromium  # noqa: E402

STALL_MS = 50  # a frame longer than this is a visible stall (three frames missed at 60 Hz)
DRAG_STEPS = 40
DRAG_PX = 600

# Page-side probes, installed before the page loads. The first parcels are drawn at the end of
# the first frame MapLibre renders ('render' fires once a frame's draw calls are issued) that
# holds parcels of the fill layer; the probe then waits for the browser's next frame, by which
# that frame has been composited. Queries run on 'render' events only: polling
# queryRenderedFeatures over thousands of parcels would itself slow the page it measures.
PROBE = """(() => {
  const mark = name => { if (!window.__marks[name]) window.__marks[name] = performance.now(); };
  window.__marks = {};
  const watch = setInterval(() => {
    const api = window.YatouPlanner && YatouPlanner.current;
    const gl = api && api.glMap && api.glMap();
    if (!gl) return;
    clearInterval(watch);
    mark('map');
    gl.on('data', e => { if (e.dataType === 'source' && e.tile) mark('tile'); });
    const drawn = () => {
      if (!api.renderedCodes().length) return;
      gl.off('render', drawn);
      requestAnimationFrame(() => mark('drawn'));
    };
    gl.on('render', drawn);
  }, 10);
})()"""
FIRST_DRAWN = """() => new Promise(resolve => {
  const check = () => window.__marks.drawn ? resolve(window.__marks) : setTimeout(check, 50);
  check();
})"""
START_FRAMES = """() => {
  window.__frames = [];
  let last = performance.now();
  const tick = now => {
    if (!window.__frames) return;
    window.__frames.push(now - last);
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""
STEPS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return {html: nav.responseEnd, dcl: nav.domContentLoadedEventEnd};
}"""
STOP_FRAMES = "() => { const f = window.__frames; window.__frames = null; return f; }"


def main(argv: list[str] | None = None) -> None:
    """Build or reuse the city, serve it, measure the map pages in Chromium, print figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", default="yatou_city_map")
    parser.add_argument("--reuse", action="store_true", help="keep a database of that size")
    parser.add_argument("--before", action="store_true", help="also build the embedded page")
    parser.add_argument(
        "--embed-limit", type=int, default=5000, help="GIS_MAP_EMBED_LIMIT of the server"
    )
    parser.add_argument(
        "--no-pan", action="store_true", help="only the first draws (quicker before/after runs)"
    )
    args = parser.parse_args(argv)
    settings = city(args.database, args.parcels, reuse=args.reuse)
    with serving(settings, args.workers, args.embed_limit) as base:
        url = f"{base}/map"
        print(f"/map HTML: {len(fetch(url)):,} bytes")
        print(f"/screen HTML: {len(fetch(base + '/screen')):,} bytes")
        for _ in range(2 * args.workers):
            fetch(url)  # warm the workers' imports (a worker's first map loads folium)
        measure_map(url, pan=not args.no_pan)
    if args.before:
        before(settings)


@contextmanager
def serving(settings: Settings, workers: int, embed_limit: int) -> Iterator[str]:
    """`gis-service serve --workers N` with the embed limit; its base URL while the block runs."""
    port = free_port()
    command = [sys.executable, "-m", "gis_service.cli", "serve", "--port", str(port)]
    env = environment(settings, GIS_MAP_EMBED_LIMIT=str(embed_limit))
    with process([*command, "--workers", str(workers)], env):
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz", timeout=60)
        yield base


def fetch(url: str) -> bytes:
    """The body of a GET."""
    with urllib.request.urlopen(url, timeout=600) as response:
        body: bytes = response.read()
        return body


def measure_map(url: str, *, pan: bool = True) -> None:
    """Open the map, time the first parcels drawn, drag it at two zooms; print the figures.

    A second visitor then opens it again: the tiles it needs are in the workers' caches.
    """
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1600, "height": 1000})
        page = context.new_page()
        page.add_init_script(PROBE)
        tiles: list[str] = []
        times: list[tuple[str, float]] = []
        page.on("requestfinished", lambda r: tiles.append(r.url) if ".mvt" in r.url else None)
        page.on("request", lambda r: stamp(times, "asked", r.url))
        page.on("requestfinished", lambda r: stamp(times, "got", r.url))
        started = time.perf_counter()
        page.goto(url, wait_until="commit")
        marks = page.evaluate(FIRST_DRAWN)
        print(f"first parcels drawn (tile caches cold): {marks['drawn']:,.0f} ms (goal 3,000)")
        print_steps(page, started, times, marks)
        page.wait_for_timeout(1500)
        zoom = page.evaluate("YatouPlanner.current.glMap().getZoom() + 1")
        print(f"tiles loaded: {len(tiles)}; parcels drawn in view: {drawn_count(page):,}")
        print(f"opening zoom (Leaflet): {zoom:.0f}")
        if pan:
            pan_and_zoom(page)
        # Another person (a fresh browser profile: no HTTP cache; the server's tiles are cached),
        # then the first person again (scripts kept by the browser, tiles revalidated).
        fresh = browser.new_context(viewport={"width": 1600, "height": 1000})
        for label, opener in (("second visitor", fresh), ("same browser again", context)):
            again = opener.new_page()
            again.add_init_script(PROBE)
            again.goto(url, wait_until="commit")
            drawn = again.evaluate(FIRST_DRAWN)["drawn"]
            print(f"first parcels drawn ({label}): {drawn:,.0f} ms")


def pan_and_zoom(page: Any) -> None:
    """Drag at the opening view, zoom in one step, drag again; print the frame figures."""
    drag(page, "first view")
    page.mouse.move(800, 500)
    started = time.perf_counter()
    page.mouse.wheel(0, -300)
    page.wait_for_timeout(300)
    page.wait_for_function("YatouPlanner.current.renderedCodes().length > 0", timeout=120_000)
    waited = (time.perf_counter() - started) * 1000
    print(f"zoomed in: parcels drawn after {waited:,.0f} ms: {drawn_count(page):,}")
    drag(page, "zoomed in")


def stamp(times: list[tuple[str, float]], kind: str, url: str) -> None:
    """Note when a tile request was sent or finished (Python's clock, ~ms off the page's)."""
    if ".mvt" in url:
        times.append((kind, time.perf_counter()))


def print_steps(
    page: Any, started: float, tile_times: list[tuple[str, float]], marks: dict[str, float]
) -> None:
    """Where the time to the first parcels went: the page, its scripts, the tiles, the GL map."""
    steps = page.evaluate(STEPS)
    asked = [t for kind, t in tile_times if kind == "asked"]
    got = [t for kind, t in tile_times if kind == "got"]
    ms = [(min(x) - started) * 1000 if x else float("nan") for x in (asked, got)]
    print(
        f"  HTML received {steps['html']:,.0f} ms, scripts run (DOMContentLoaded) "
        f"{steps['dcl']:,.0f} ms; first tile asked ~{ms[0]:,.0f} ms, received ~{ms[1]:,.0f} ms"
    )
    print(
        f"  GL map made {marks.get('map', float('nan')):,.0f} ms, first tile cut by its worker "
        f"{marks.get('tile', float('nan')):,.0f} ms, drawn {marks['drawn']:,.0f} ms"
    )


def drawn_count(page: Any) -> int:
    """How many distinct parcels MapLibre has drawn in the view."""
    count: int = page.evaluate("YatouPlanner.current.renderedCodes().length")
    return count


def drag(page: Any, label: str) -> None:
    """Drag the map by DRAG_PX and back, recording every frame's length; print the figures."""
    page.evaluate(START_FRAMES)
    page.mouse.move(800, 500)
    page.mouse.down()
    for step in range(1, DRAG_STEPS + 1):
        page.mouse.move(800 - DRAG_PX * step / DRAG_STEPS, 500 - DRAG_PX / 3 * step / DRAG_STEPS)
        page.wait_for_timeout(16)
    page.mouse.up()
    page.wait_for_timeout(1000)  # the tiles that came into view arrive and draw
    frames = page.evaluate(STOP_FRAMES)[1:]
    frames.sort()
    p95 = frames[int(len(frames) * 0.95) - 1] if frames else float("nan")
    stalls = sum(f > STALL_MS for f in frames)
    print(
        f"pan ({label}): {len(frames)} frames, median {statistics.median(frames):.1f} ms, "
        f"p95 {p95:.1f} ms, max {max(frames):.1f} ms, over {STALL_MS} ms: {stalls}"
    )


def before(settings: Settings) -> None:
    """The page /map served before goal 4: every parcel embedded (points), built in-process."""
    from gis_service.maps import map_data
    from gis_service.maps.assets import link_assets
    from gis_service.maps.page import page_html

    engine = db.make_engine(settings)
    started = time.perf_counter()
    with db.transaction(engine) as session:
        inputs = map_data.gather(session, settings, as_of=date.today())
        page = page_html(link_assets(map_data.planner_map(inputs, settings)))
    seconds = time.perf_counter() - started
    engine.dispose()
    size = len(page.encode())
    print(f"before (parcels embedded as points): {size:,} bytes, built in {seconds:.1f} s")


if __name__ == "__main__":
    main()
