"""The figure table of data/geo/README.md: the service's own KPIs on the sample's dates.

Each row folds every history to its date (`rules.history`) and measures it with
`rules.kpis.compute_kpis`, so the README shows what the screen will show for that date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

from gis_service.rules.history import State, coerce_state, fold_changes, state_of_history
from gis_service.rules.kpis import BASELINE_DATE, Kpi, compute_kpis
from gis_service.rules.levels import completed_late
from gis_service.sample.plan_items import PLAN_END

History = Sequence[Mapping[str, Any]]

FIGURE_DATES: Final = tuple(
    date.fromisoformat(d)
    for d in ("2021-01-01", "2021-02-28", "2021-03-31", "2021-06-30", "2021-09-30", "2021-12-31")
)

# Column header (with the KPI's target and the baseline date filled in) and the KPI it shows.
COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("T1 areas cleared (of {target})", "T1a"),
    ("T1 buildings demolished (of {target})", "T1b"),
    ("T2 problems solved (of {target})", "T2"),
    ("T3 committees formed (of {target})", "T3b"),
    ("T4 compounds renovated (of {target})", "T4"),
    ("T7 projects done (of {target})", "T7"),
    ("T7 investment done, 万元 (of {target})", "T7i"),
    ("T8 projects settled (of {target})", "T8"),
    ("T9 revitalisation rate, %", "T9"),
    ("T9 change since {baseline}, points", "T9d"),
    ("T10 delivered (of {target})", "T10"),
    ("T11 built (of {target})", "T11"),
)


def states_on(histories: Sequence[History], on: date) -> list[State | None]:
    """Every parcel's state on a date, dates coerced for the rules (None = not yet there)."""
    folded = (state_of_history(history, on) for history in histories)
    return [None if state is None else coerce_state(state) for state in folded]


def figure_row(histories: Sequence[History], on: date) -> dict[str, str]:
    """One row of the table: the KPIs of the states folded to that date, by column header."""
    baseline = states_on(histories, BASELINE_DATE)
    kpis = {k.id: k for k in compute_kpis(states_on(histories, on), on, baseline=baseline)}
    row = {"as of": on.isoformat()}
    for header, kpi_id in COLUMNS:
        kpi = kpis[kpi_id]
        title = header.format(target=_number(kpi.target), baseline=BASELINE_DATE.isoformat())
        row[title] = _figure(kpi)
    return row


def _figure(kpi: Kpi) -> str:
    """A KPI's actual value as the table shows it: rates to one decimal, changes signed."""
    if kpi.unit == "%":
        return f"{kpi.actual:.1f}"
    if kpi.unit == "个百分点":
        return f"{kpi.actual:+.1f}"
    return _number(kpi.actual)


def _number(value: float) -> str:
    """A count or sum without a trailing .0."""
    return str(int(value)) if float(value).is_integer() else str(value)


def figure_table(histories: Sequence[History]) -> str:
    """The README's markdown table, one row per date of FIGURE_DATES, and the lateness lines."""
    rows = [figure_row(histories, on) for on in FIGURE_DATES]
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row[k] for k in header) + " |" for row in rows]
    return "\n".join(lines) + "\n\n" + lateness_lines(histories)


def lateness_lines(histories: Sequence[History]) -> str:
    """Markdown lines naming the parcels done late and those not done in 2021."""
    late, open_ = [], []
    for history in histories:
        state = coerce_state(fold_changes(history))
        deadline, completed = state["deadline"], state["completed_on"]
        if not isinstance(deadline, date) or deadline > PLAN_END:
            continue  # no 2021 goal: T3-only compounds, T9 buildings (three-year goal)
        label = f"{state['code']} {state['name']}"
        if not isinstance(completed, date):
            open_.append(f"{label} (deadline {deadline})")
        elif completed_late(completed, deadline):
            late.append(f"{label} ({completed} > {deadline})")
    return (
        f"- Done after the deadline ({len(late)}): {'; '.join(late)}.\n"
        f"- Not done by {PLAN_END} ({len(open_)}): {'; '.join(open_)}.\n"
    )
