"""The SQL risk level and planned progress (for vector tiles) equal the Python rules."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.orm import Session

from gis_service.rules.levels import RiskThresholds, planned_progress, risk_level

days = st.dates(date(2020, 1, 1), date(2023, 12, 31))
cases = st.lists(
    st.tuples(
        st.none() | st.integers(0, 100),
        st.none() | days,
        st.none() | days,
        st.none() | days,
        days,
    ),
    min_size=1,
    max_size=40,
)
thresholds = st.builds(
    RiskThresholds,
    orange_days=st.integers(0, 30),
    yellow_days=st.integers(0, 60),
    orange_lag=st.integers(0, 60),
    yellow_lag=st.integers(0, 40),
)

STATEMENT = text(
    """
    SELECT parcel_risk_level(c.progress, c.start_date, c.deadline, c.completed_on, c.on_date,
                             :orange_days, :yellow_days, :orange_lag, :yellow_lag) AS level,
           parcel_planned_progress(c.start_date, c.deadline, c.on_date) AS planned
    FROM unnest(CAST(:progress AS integer[]), CAST(:start_date AS date[]),
                CAST(:deadline AS date[]), CAST(:completed_on AS date[]),
                CAST(:on_date AS date[]))
         WITH ORDINALITY AS c(progress, start_date, deadline, completed_on, on_date, n)
    ORDER BY c.n
    """
)


@given(batch=cases, limits=thresholds)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_sql_levels_equal_the_python_rules(
    session: Session,
    batch: list[tuple[int | None, date | None, date | None, date | None, date]],
    limits: RiskThresholds,
) -> None:
    columns = list(zip(*batch, strict=True))
    params = dict(
        zip(
            ("progress", "start_date", "deadline", "completed_on", "on_date"),
            map(list, columns),
            strict=True,
        )
    )
    params |= {
        "orange_days": limits.orange_days,
        "yellow_days": limits.yellow_days,
        "orange_lag": limits.orange_lag,
        "yellow_lag": limits.yellow_lag,
    }
    rows = session.execute(STATEMENT, params).all()
    for (progress, start, deadline, completed, on), row in zip(batch, rows, strict=True):
        expected = risk_level(
            progress=progress,
            start_date=start,
            deadline=deadline,
            completed_on=completed,
            on=on,
            thresholds=limits,
        )
        assert (row.level, row.planned) == (expected.value, planned_progress(start, deadline, on))
