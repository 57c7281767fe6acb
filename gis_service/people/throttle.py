"""Sign-in throttling as a pure rule: after N failures in a window, wait (HTTP 429)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta


def retry_after(
    failures: Iterable[datetime], *, now: datetime, limit: int, window: timedelta
) -> int | None:
    """Seconds to wait before the next try, or None when fewer than `limit` failures are recent.

    The wait ends when enough failures have left the window for the count to drop below limit.
    """
    recent = sorted(moment for moment in failures if moment > now - window)
    if len(recent) < limit:
        return None
    frees_at = recent[len(recent) - limit] + window
    return max(1, math.ceil((frees_at - now).total_seconds()))
