"""HTTP load for the benches: N clients with keep-alive connections, each sending requests back
to back for a while; throughput, latency percentiles, statuses.

`http_load` drives one URL with `wrk` (C, like pgbench) when installed: a Python load generator
on 2 cores takes CPU from the servers it measures (reading a 1 MB page in Python costs about
what building it does) and caps throughput under its GIL, so figures set beside pgbench's are
taken with wrk. `run_load` (threads) drives several URLs in turn, PATCHes and the mixed load.
"""

from __future__ import annotations

import http.client
import json
import math
import re
import shutil
import statistics
import subprocess
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class Result:
    """What a load run measured."""

    per_second: float
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line: requests/s, p50, p99, statuses."""
        p99 = "" if math.isnan(self.p99_ms) else f", p99 {self.p99_ms:.0f} ms"
        codes = " ".join(f"{k}×{v}" for k, v in sorted(self.statuses.items()) if v)
        return f"{self.per_second:.1f}/s, p50 {self.p50_ms:.0f} ms{p99} {codes}".rstrip()


def run_load(urls: list[str], clients: int, seconds: float, *, gzip: bool = False) -> Result:
    """`clients` threads each GET the URLs in turn until `seconds` have passed."""
    headers = {"Accept-Encoding": "gzip"} if gzip else {}

    def one(client: int, n: int, conn: http.client.HTTPConnection) -> tuple[int, bytes]:
        url = urllib.parse.urlsplit(urls[(client + n) % len(urls)])
        conn.request("GET", f"{url.path}?{url.query}", headers=headers)
        response = conn.getresponse()
        return response.status, response.read()

    return _drive(urls[0], clients, seconds, one)


def http_load(url: str, clients: int, seconds: float) -> Result:
    """GET one URL with `clients` keep-alive connections: wrk if installed, else threads."""
    binary = shutil.which("wrk")
    if binary is None:
        return run_load([url], clients, seconds)
    threads = str(min(clients, 2))  # the machine's cores; more threads only contend
    duration = f"{max(1, round(seconds))}s"
    # wrk counts an answer slower than --timeout as a socket error: 10 s, not its 2 s, so that
    # "error" means a failed connection, as in bench/load.py, not a slow answer on a busy machine.
    command = [binary, "-t", threads, "-c", str(clients), "-d", duration, "--timeout", "10s"]
    command += ["--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return wrk_result(output)


def wrk_result(output: str) -> Result:
    """A load Result from wrk's report (requests/s, p50, p99, non-2xx answers, errors)."""
    per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    latency = {
        pct: float(value) * _UNIT_MS[unit]
        for pct, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)$", output, re.M)
    }
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    failed = int(bad.group(1)) if bad else 0
    statuses = {"2xx/3xx": total - failed, "non-2xx": failed}
    if errors:
        statuses["error"] = sum(int(n) for n in errors.groups())
    return Result(per_second, latency.get("50", 0.0), latency.get("99", 0.0), statuses)


def patch_load(base: str, token: str, codes: list[str], clients: int, seconds: float) -> Result:
    """`clients` threads each PATCH one field of their own parcels with the ETags they hold."""
    tags: dict[str, str] = {}

    def one(client: int, n: int, conn: http.client.HTTPConnection) -> tuple[int, bytes]:
        code = codes[(client + n * clients) % len(codes)]
        if code not in tags:
            conn.request("GET", f"/api/parcels/{code}")
            response = conn.getresponse()
            response.read()
            tags[code] = response.headers["ETag"]
        body = json.dumps({"properties": {"note": f"bench {n}"}})
        headers = {
            "Authorization": f"Bearer {token}",
            "If-Match": tags[code],
            "Content-Type": "application/merge-patch+json",
        }
        conn.request("PATCH", f"/api/parcels/{code}", body=body, headers=headers)
        response = conn.getresponse()
        tags[code] = response.headers.get("ETag") or tags[code]
        return response.status, response.read()

    return _drive(base, clients, seconds, one)


def wait_for(url: str, *, timeout: float) -> None:
    """Poll a URL until it answers 200."""
    deadline = time.monotonic() + timeout
    parts = urllib.parse.urlsplit(url)
    while True:
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
            conn.request("GET", parts.path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer 200 within {timeout} s")
        time.sleep(0.02)


def _drive(base: str, clients: int, seconds: float, one: object) -> Result:
    """Run `one(client, n, connection)` in `clients` threads for `seconds`; gather the figures."""
    parts = urllib.parse.urlsplit(base)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        n = 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status, _ = one(index, n, conn)  # type: ignore[operator]
                label = str(status)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                label = "error"
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[label] += 1
            n += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else float("nan")
    return Result(
        per_second=len(latencies) / wall,
        p50_ms=statistics.median(ordered) if ordered else float("nan"),
        p99_ms=p99,
        statuses=dict(statuses),
    )
