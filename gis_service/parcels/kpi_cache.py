"""The plan's KPIs kept once computed, per worker, until the data changes (issue 10 goal 6).

KPIs fold the whole table as of two dates (the date asked and the 2021-01-01 baseline): at
city scale that is seconds of database work, and under load every KPI request folding again
held connections until clients gave up. The answer is a function of the date, the data's
version (the newest event's id, raised by every write, as for the tile cache) and the
thresholds, so it is kept under that key. Requests for a key being computed wait for that
one computation instead of starting their own, for a bounded time: then they are answered
503 with Retry-After, not left to time out while the fold runs.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from gis_service.rules.kpis import Kpi


class KpiCache:
    """The last `capacity` KPI answers by key; safe to share between request threads."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._answers: OrderedDict[Hashable, tuple[Kpi, ...]] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(
        self, key: Hashable, compute: Callable[[], list[Kpi]], *, wait: float
    ) -> list[Kpi] | None:
        """The answer kept under the key, else computed once: an asker finding it being
        computed waits up to `wait` seconds for it, then gets None (answered 503, retry)."""
        with self._lock:
            kept = self._kept(key)
            if kept is not None:
                return kept
            flight = self._computing.setdefault(key, threading.Lock())
        if not flight.acquire(timeout=wait):
            return None
        with contextlib.ExitStack() as held:
            held.callback(flight.release)
            with self._lock:
                kept = self._kept(key)
                if kept is not None:
                    return kept
            try:
                answer = tuple(compute())
                with self._lock:
                    self._answers[key] = answer
                    while len(self._answers) > self.capacity:
                        self._answers.popitem(last=False)
            finally:
                with self._lock:
                    self._computing.pop(key, None)
        return list(answer)

    def _kept(self, key: Hashable) -> list[Kpi] | None:
        """The kept answer (marked recently used), if any; the caller holds the lock."""
        answer = self._answers.get(key)
        if answer is None:
            return None
        self._answers.move_to_end(key)
        return list(answer)
