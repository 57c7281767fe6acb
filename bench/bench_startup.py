"""Start-up of the server (issue 10 goal 7): process start to the first `/healthz` 200.

    python bench/bench_startup.py [--workers 1 2] [--runs 5] [--before /work/main]

Builds `yatou_startup` (a migrated database with N city parcels, bench/city_data.py), then
starts `gis-service serve --workers N` against it `--runs` times for each N and prints, per
code tree, the median (and spread) of:

- seconds from the process start to the first 200 from /healthz (goal: 1.5 s);
- seconds from there to the first 200 from /readyz (database up, schema at head);
- seconds of the first /map afterwards (the heavy page: its modules load on first use).

With `--before DIR` the same runs are made with the code of another checkout (its
PYTHONPATH), interleaved run by run with this tree's, so that both see the same machine.
Each tree's bytecode is written first (`compileall`), as `pip install` does for the deployed
service: run from a checkout with PYTHONDONTWRITEBYTECODE=1 (this machine's environment), the
server would otherwise compile its ~110 modules from source at every start (0.1-0.2 s).
Last, a worker's imports: `python -X importtime -c 'import gis_service.main'` in each tree,
with the packages that cost most and the heavy ones that the app should not import.
No figure is asserted; `--runs 1 --parcels 50` is a quick form.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_city import environment, free_port, serve_command  # noqa: E402
from bench.bench_db import fresh_database  # noqa: E402
from bench.city_data import build_city  # noqa: E402
from gis_service import db  # noqa: E402
from gis_service.settings import PROJECT_ROOT, Settings  # noqa: E402

POLL_SECONDS = 0.01
# Packages a worker should load only when a page or an export needs them (issue 10 goal 7).
HEAVY = (
    "folium",
    "branca",
    "pandas",
    "geopandas",
    "pyogrio",
    "alembic",
    "openpyxl",
    "python_calamine",
    "matplotlib",
    "PIL",
    "jinja2",
    "pyproj",
    "shapely",
    "numpy",
)


@dataclass
class Timings:
    """The figures of one code tree and worker count, run by run."""

    healthz: list[float] = field(default_factory=list)
    cpu_path: list[float] = field(default_factory=list)
    readyz: list[float] = field(default_factory=list)
    first_map: list[float] = field(default_factory=list)


def main(argv: list[str] | None = None) -> None:
    """Build the database, time every start-up, print medians and the import breakdown."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--parcels", type=int, default=2000)
    parser.add_argument("--database", default="yatou_startup", help="database to (re)create")
    parser.add_argument("--before", type=Path, default=None, help="another checkout to compare")
    args = parser.parse_args(argv)
    settings = fresh_database(args.database)
    engine = db.make_engine(settings)
    build_city(engine, args.parcels)
    engine.dispose()
    trees = {"this tree": PROJECT_ROOT} | ({"before": args.before} if args.before else {})
    for tree in trees.values():
        compile_bytecode(tree)
    timings: dict[tuple[str, int], Timings] = defaultdict(Timings)
    for run in range(args.runs):
        for workers in args.workers:
            for name, tree in trees.items():
                one_start(settings, tree, workers, timings[(name, workers)])
        print(f"run {run + 1} of {args.runs} done", flush=True)
    for (name, workers), figures in sorted(timings.items()):
        print(f"\n{name}, {workers} worker(s), median of {args.runs}:")
        figure("start-up to first /healthz", figures.healthz)
        figure("CPU on that path", figures.cpu_path)
        figure("then first /readyz", figures.readyz)
        figure("then first /map", figures.first_map)
    for workers in args.workers:
        if args.before:
            after = statistics.median(timings[("this tree", workers)].healthz)
            before = statistics.median(timings[("before", workers)].healthz)
            print(
                f"\nstart-up, {workers} worker(s): before {before:.2f} s, after {after:.2f} s,"
                f" ratio {after / before:.2f} (goal: ≤ 1.5 s)"
            )
    for name, tree in trees.items():
        print(f"\nimports of a worker ({name}: python -X importtime -c 'import gis_service.main')")
        import_breakdown(tree)


def compile_bytecode(tree: Path) -> None:
    """Write the bytecode of the tree's package next to its sources (git ignores __pycache__)."""
    package = str(tree / "gis_service")
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)


def one_start(settings: Settings, tree: Path, workers: int, figures: Timings) -> None:
    """Start the server once from `tree`; record its /healthz, /readyz and first /map times."""
    port = free_port()
    env = environment(settings) | {"PYTHONPATH": str(tree)}
    command = serve_command(port, workers)
    started = time.perf_counter()
    child = subprocess.Popen(
        command, env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        figures.healthz.append(first_ok(port, "/healthz") - started)
        figures.cpu_path.append(critical_cpu_seconds(child.pid))
        ready = time.perf_counter()
        figures.readyz.append(first_ok(port, "/readyz") - ready)
        drawn = time.perf_counter()
        figures.first_map.append(first_ok(port, "/map") - drawn)
    finally:
        child.terminate()
        child.wait(timeout=30)


def first_ok(port: int, path: str, timeout: float = 120.0) -> float:
    """Ask `path` until it answers 200; the perf_counter time of that answer."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                return time.perf_counter()
        except OSError:
            pass
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"{path} did not answer 200 within {timeout} s")


def critical_cpu_seconds(pid: int) -> float:
    """CPU seconds of the server's start: its own, plus its busiest child's (they run at once).

    On a loaded host the wall time measures the neighbours; this does not, and on the quiet
    2-core machine (a process and its workers side by side) the two agree.
    """
    tick = os.sysconf("SC_CLK_TCK")

    def used(process: int) -> float:
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime

    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return used(pid) + max((used(int(child)) for child in children), default=0.0)


def figure(label: str, values: list[float]) -> None:
    """One line: the median and the range of a list of seconds."""
    print(
        f"  {label:<30} {statistics.median(values):7.3f} s"
        f"  (min {min(values):.3f}, max {max(values):.3f})"
    )


def import_breakdown(tree: Path, top: int = 12) -> None:
    """Print the total import time of the app module, its costliest packages and heavy ones."""
    env = dict(os.environ) | {"PYTHONPATH": str(tree)}
    code = "import gis_service.main"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        env=env,
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    self_us: dict[str, int] = defaultdict(int)
    total_us = 0
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line or "self" in line:
            continue
        own, cumulative, name = (part.strip() for part in line[12:].split("|"))
        self_us[name.split(".")[0]] += int(own)
        if name == "gis_service.main":
            total_us = int(cumulative)
    print(f"  import gis_service.main: {total_us / 1e6:.3f} s; costliest packages (self time):")
    for name, micros in sorted(self_us.items(), key=lambda item: -item[1])[:top]:
        print(f"    {name:<24} {micros / 1e3:8.1f} ms")
    loaded = [name for name in HEAVY if name in self_us]
    print(f"  heavy packages imported: {', '.join(loaded) or 'none'}")


if __name__ == "__main__":
    main()
