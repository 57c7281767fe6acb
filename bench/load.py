"""A small HTTP load generator for the benches: N clients with keep-alive connections, each
sending requests back to back for a while; throughput, latency percentiles, statuses."""

from __future__ import annotations

import http.client
import json
import math
import statistics
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field


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
