"""Paths of the local cluster and how its programs are run (as `postgres` under root)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from gis_service.settings import Settings

PG_ROOT = Path("/usr/lib/postgresql")
SUPERUSER = "postgres"
CONF_INCLUDE = "yatou.conf"
LOG_TAIL_LINES = 25
# Unix socket paths are limited to 107 bytes (sun_path); leave room for "/.s.PGSQL.NNNNN".
MAX_SOCKET_DIR_LEN = 90


class LocalPostgresError(RuntimeError):
    """The local cluster could not be installed, started, stopped or queried."""


# --- paths -------------------------------------------------------------------------------


def _stem(settings: Settings) -> str:
    """Data folder name without a trailing 'data' (pgdata -> pg)."""
    name = settings.pg_data_dir.name
    return name.removesuffix("data") or name


def socket_dir(settings: Settings) -> Path:
    """Folder of the cluster's Unix socket, next to the data folder (var/pgsock)."""
    data_dir = settings.pg_data_dir.resolve()
    return data_dir.parent / f"{_stem(settings)}sock"


def log_path(settings: Settings) -> Path:
    """Server log file, next to the data folder (var/pg.log)."""
    data_dir = settings.pg_data_dir.resolve()
    return data_dir.parent / f"{_stem(settings)}.log"


def url(settings: Settings, database: str | None = None) -> str:
    """SQLAlchemy URL of a database (default settings.pg_database) in the local cluster."""
    return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{settings.pg_port}/" + (
        database or settings.pg_database
    )


# --- running commands ---------------------------------------------------------------------


def is_root() -> bool:
    """True when this process runs as root."""
    return os.geteuid() == 0


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """Last lines of a text file, or '' when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def run(cmd: Sequence[str | Path], *, what: str, log: Path | None = None) -> str:
    """Run a command, return its stdout; raise with its output and the log tail on failure."""
    args = [str(a) for a in cmd]
    try:
        # cwd="/" because the postgres user may not be allowed into the caller's cwd.
        done = subprocess.run(args, capture_output=True, text=True, cwd="/", check=False)
    except OSError as exc:
        raise LocalPostgresError(f"{what} failed: cannot run {args[0]}: {exc}") from exc
    if done.returncode != 0:
        parts = [f"{what} failed (exit {done.returncode}): {' '.join(args)}"]
        parts += [s.strip() for s in (done.stdout, done.stderr) if s.strip()]
        if log is not None and (last_lines := log_tail(log)):
            parts.append(f"--- last lines of {log} ---\n{last_lines}")
        raise LocalPostgresError("\n".join(parts))
    return done.stdout


def as_server_user(cmd: Sequence[str | Path]) -> list[str | Path]:
    """Prefix a command so it runs as `postgres` when we are root (initdb/pg_ctl refuse root)."""
    return ["runuser", "-u", SUPERUSER, "--", *cmd] if is_root() else list(cmd)
