"""What read routing asks PostgreSQL about streaming replication: WAL positions and lag.

Positions are returned as integers (bytes since 0/0, what `pg_wal_lsn_diff` counts), so they
compare and subtract in Python; `gis_service.api.wal_positions` writes them as PostgreSQL does.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

# On a standby the replayed position; on a server that is not one (a read URL pointing at a
# primary) its current position, so it never looks behind. CASE evaluates only its branch.
_READABLE_POSITION = text(
    "SELECT pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()"
    " ELSE pg_current_wal_lsn() END, '0/0')::bigint"
)


@dataclass(frozen=True)
class StandbyState:
    """A standby as /readyz reports it: replayed position, recovering, seconds behind."""

    replayed: int
    in_recovery: bool
    lag_seconds: float


def written_position(session: Session) -> int:
    """The primary's WAL position now: every transaction committed so far lies below it."""
    return int(
        session.execute(
            text("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")
        ).scalar_one()
    )


def readable_position(session: Session) -> int:
    """The WAL position up to which this server's reads see every commit."""
    return int(session.execute(_READABLE_POSITION).scalar_one())


def standby_state(session: Session) -> StandbyState:
    """The replica's replayed position and how long ago its last replayed commit was made.

    A standby that has replayed all it received is not behind (0 s), however long ago the
    primary's last commit was; otherwise the age of the last replayed commit is its lag.
    """
    row = session.execute(
        text(
            "SELECT pg_is_in_recovery(),"
            " CASE WHEN NOT pg_is_in_recovery()"
            "   OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
            " ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)"
            " END"
        )
    ).one()
    return StandbyState(readable_position(session), bool(row[0]), float(row[1]))
