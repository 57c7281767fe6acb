"""A local hot standby of the project's cluster (issue 10 goal 8): start, stop, status.

`start` copies the running local cluster with `pg_basebackup -R` (which writes
`standby.signal` and `primary_conninfo`) into `settings.pg_replica_dir` and starts it on
127.0.0.1:`settings.replica_port` and its own socket folder, as the `postgres` user when root.
The standby streams the primary's WAL and answers read-only queries (`hot_standby`), so
`DATABASE_READ_URL` can point at it. `stop` stops it and removes its folder: a standby is a
disposable copy, and one left stopped would find the WAL it needs recycled on the primary
(there is no replication slot, on purpose: a forgotten slot keeps WAL on the primary forever).

The primary must allow replication: `wal_level = replica` and `max_wal_senders > 0` (the
defaults, also written to its runtime conf) and replication lines in pg_hba.conf (written
by `initdb` since this module exists). Clusters made before get the lines and a reload;
a cluster running with replication off is restarted once.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from gis_service.pg_local import cluster
from gis_service.pg_local.commands import (
    SUPERUSER,
    LocalPostgresError,
    as_server_user,
    log_path,
    run,
    socket_dir,
    url,
)
from gis_service.pg_local.install import ensure_installed, find_bin_dir
from gis_service.settings import Settings

# Settings of the standby's own postgresql.conf include, next to port and socket folder.
# hot_standby_feedback: the primary keeps rows a standby query still reads, so vacuum on the
# primary does not cancel a long map read on the standby (at the price of some bloat).
STANDBY_CONF = "hot_standby = on\nhot_standby_feedback = on\n"
STANDBY_NAME = "yatou_standby"  # application_name in the primary's pg_stat_replication


def standby_settings(settings: Settings) -> Settings:
    """The settings of the standby as a local cluster of its own: its folder and port."""
    return settings.model_copy(
        update={"pg_data_dir": settings.pg_replica_dir, "pg_port": settings.replica_port}
    )


def read_url(settings: Settings) -> str:
    """The DATABASE_READ_URL of the local standby (the project's database on it)."""
    return url(standby_settings(settings))


def start(settings: Settings) -> str:
    """Start the primary if needed, copy it into a standby unless there is one, start that."""
    cluster.start(settings)
    allow_replication(settings)
    standby = standby_settings(settings)
    bin_dir = ensure_installed(settings)
    if not cluster.is_initialised(standby):
        cluster.prepare_paths(standby)
        _base_backup(settings, standby)
    cluster.check_major(standby, bin_dir)
    if not cluster.is_running(standby):
        cluster.prepare_paths(standby)  # the socket folder and log, owned by the server user
        cluster.write_runtime_conf(standby, extra=STANDBY_CONF)
        cluster.pg_ctl(standby, bin_dir, "start", "-w", "-t", "120", "-l", log_path(standby))
    return read_url(settings)


def stop(settings: Settings) -> None:
    """Stop the standby and remove its folder, socket folder and log."""
    standby = standby_settings(settings)
    if cluster.is_running(standby):
        bin_dir = find_bin_dir(settings)
        if bin_dir is None:
            raise LocalPostgresError("PostgreSQL binaries not found to stop the standby.")
        cluster.pg_ctl(standby, bin_dir, "stop", "-w", "-t", "60", "-m", "fast")
    shutil.rmtree(standby.pg_data_dir.resolve(), ignore_errors=True)
    shutil.rmtree(socket_dir(standby), ignore_errors=True)
    log_path(standby).unlink(missing_ok=True)


def status(settings: Settings) -> str:
    """Human-readable state of the standby: running or not, port, replay position and lag."""
    standby = standby_settings(settings)
    if not cluster.is_running(standby):
        made = "a copy is there" if cluster.is_initialised(standby) else "no copy"
        return f"Local standby: not running ({made} in {standby.pg_data_dir.resolve()})"
    with cluster.connect(standby, settings.pg_database) as conn:
        row = conn.execute(
            "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
            " coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)"
        ).fetchone()
    assert row is not None, "a SELECT without FROM returns one row"
    role = "standby" if row[0] else "NOT a standby (promoted?)"
    return "\n".join(
        [
            f"Local standby: running on 127.0.0.1:{standby.pg_port} ({role})",
            f"Replayed WAL up to {row[1]}; last replayed commit {float(str(row[2])):.1f} s ago",
            f"Data folder: {standby.pg_data_dir.resolve()}; log: {log_path(standby)}",
            f"DATABASE_READ_URL={read_url(settings)}",
        ]
    )


def allow_replication(settings: Settings) -> None:
    """Let the running primary stream to a local standby: pg_hba lines, WAL settings."""
    hba = settings.pg_data_dir.resolve() / "pg_hba.conf"
    text = hba.read_text(encoding="utf-8")
    if "replication" not in text.replace("# replication", ""):
        # A cluster made before the standby existed: add the lines initdb now writes.
        cluster.write_file_as_server(hba, text.rstrip("\n") + "\n" + _replication_lines())
        with cluster.connect(settings, "postgres") as conn:
            conn.execute("SELECT pg_reload_conf()")
    with cluster.connect(settings, "postgres") as conn:
        wal_level = str(_scalar(conn.execute("SHOW wal_level").fetchone()))
        senders = int(str(_scalar(conn.execute("SHOW max_wal_senders").fetchone())))
    if wal_level == "minimal" or senders == 0:
        # Both are read at server start only; the runtime conf written by start() fixes them.
        bin_dir = ensure_installed(settings)
        cluster.write_runtime_conf(settings)
        cluster.pg_ctl(settings, bin_dir, "restart", "-w", "-t", "60", "-m", "fast")


def _replication_lines() -> str:
    """The pg_hba.conf lines of local replication connections."""
    return "".join(line + "\n" for line in cluster.HBA.splitlines() if "replication" in line)


def _scalar(row: tuple[object, ...] | None) -> object:
    """The first column of a row that must exist."""
    assert row is not None, "SHOW returns one row"
    return row[0]


def _base_backup(settings: Settings, standby: Settings) -> None:
    """pg_basebackup of the primary into the standby's (empty) folder, with -R."""
    bin_dir = ensure_installed(settings)
    conninfo = (
        f"host=127.0.0.1 port={settings.pg_port} user={SUPERUSER} application_name={STANDBY_NAME}"
    )
    cmd: list[str | Path] = [
        bin_dir / "pg_basebackup",
        "--pgdata",
        standby.pg_data_dir.resolve(),
        "--dbname",
        conninfo,
        "--write-recovery-conf",  # standby.signal and primary_conninfo
        "--wal-method=stream",
        "--checkpoint=fast",  # start now rather than at the primary's next checkpoint
        "--no-sync",  # a disposable copy: no need to wait for fsync of every file
    ]
    run(as_server_user(cmd), what="pg_basebackup", log=log_path(settings))
