"""The pipeline's headline: revitalisation rate now, at the start of the year, gap to +15 %.

Read from the plan's KPIs (`gis_service.rules.kpis`: T9 the rate, T9d its change since
2021-01-01), so the board shows the very numbers the API and the screen show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from gis_service.rules.kpis import BASELINE_DATE, Kpi


@dataclass(frozen=True)
class Revitalisation:
    """The rate (%) now and at the baseline, its change and target change (points), the gap."""

    now: float
    start: float
    change: float
    target_change: float
    gap: float
    baseline_date: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def revitalisation(kpis: Sequence[Kpi]) -> Revitalisation:
    """The headline from the KPIs T9 and T9d."""
    by_id = {kpi.id: kpi for kpi in kpis}
    rate, change = by_id["T9"], by_id["T9d"]
    return Revitalisation(
        now=rate.actual,
        start=round(rate.actual - change.actual, 1),
        change=change.actual,
        target_change=change.target,
        gap=round(max(0.0, change.target - change.actual), 1),
        baseline_date=BASELINE_DATE.isoformat(),
    )
