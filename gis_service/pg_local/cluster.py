"""The local cluster's life: folders, initdb, start, stop, databases, status."""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import stat
from pathlib import Path

import psycopg
from psycopg import sql

from gis_service.pg_local.commands import (
    CONF_INCLUDE,
    MAX_SOCKET_DIR_LEN,
    PG_ROOT,
    SUPERUSER,
    LocalPostgresError,
    as_server_user,
    is_root,
    log_path,
    log_tail,
    run,
    socket_dir,
    url,
)
from gis_service.pg_local.install import ensure_installed, find_bin_dir, major, postgis_control
from gis_service.settings import Settings

# Trust is acceptable only because nothing but this machine can connect (no other lines). The
# replication lines let the local standby (pg_local.replica) stream from this cluster.
HBA = (
    "local all all trust\nhost all all 127.0.0.1/32 trust\n"
    "local replication all trust\nhost replication all 127.0.0.1/32 trust\n"
)

# --- permissions --------------------------------------------------------------------------


def _server_ids() -> tuple[int, int]:
    """uid and gid the server runs as: `postgres` when root, else ourselves."""
    if not is_root():
        return os.getuid(), os.getgid()
    try:
        entry = pwd.getpwnam(SUPERUSER)
    except KeyError as exc:
        raise LocalPostgresError(
            "no `postgres` user; install the postgresql package (it creates it)."
        ) from exc
    return entry.pw_uid, entry.pw_gid


def _make_traversable(path: Path) -> None:
    """Add o+x to ancestors that lack it so `postgres` can reach the cluster's files."""
    for parent in path.parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            # Traverse only (no read): the minimum the server user needs.
            parent.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    """Give a folder and everything in it to uid:gid."""
    os.chown(path, uid, gid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, gid, follow_symlinks=False)


def prepare_paths(settings: Settings) -> None:
    """Create data folder, socket folder and log, owned by the server user."""
    data_dir, sock, log = settings.pg_data_dir.resolve(), socket_dir(settings), log_path(settings)
    if len(str(sock)) > MAX_SOCKET_DIR_LEN:
        raise LocalPostgresError(
            f"socket folder path too long for a Unix socket ({sock}); use a shorter pg_data_dir."
        )
    uid, gid = _server_ids()
    for folder, mode in ((data_dir, 0o700), (sock, 0o755)):
        folder.mkdir(parents=True, exist_ok=True)
        if folder.stat().st_uid != uid:
            _chown_tree(folder, uid, gid)
        folder.chmod(mode)  # PostgreSQL refuses a data folder readable by others.
    log.touch(exist_ok=True)
    os.chown(log, uid, gid)
    if is_root():
        _make_traversable(data_dir)
        _make_traversable(sock)


# --- cluster lifecycle --------------------------------------------------------------------


def is_initialised(settings: Settings) -> bool:
    """True when the data folder holds a cluster."""
    return (settings.pg_data_dir / "PG_VERSION").exists()


def write_file_as_server(path: Path, text: str) -> None:
    """Write a file inside the data folder, owned by the server user."""
    path.write_text(text, encoding="utf-8")
    uid, gid = _server_ids()
    os.chown(path, uid, gid)
    path.chmod(0o600)


def _conf_quote(value: str | Path) -> str:
    """A postgresql.conf string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def _initdb(settings: Settings, bin_dir: Path) -> None:
    """Create the cluster: UTF8, C locale, superuser postgres, trust on socket + 127.0.0.1."""
    data_dir = settings.pg_data_dir.resolve()
    cmd: list[str | Path] = [
        bin_dir / "initdb",
        "-D",
        data_dir,
        "-U",
        SUPERUSER,
        "-E",
        "UTF8",
        "--locale=C",
    ]
    run(as_server_user(cmd), what="initdb")
    write_file_as_server(data_dir / "pg_hba.conf", HBA)
    with (data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write(
            f"\n# Port and sockets come from the project settings.\n"
            f"include_if_exists = {_conf_quote(CONF_INCLUDE)}\n"
        )


def write_runtime_conf(settings: Settings, extra: str = "") -> None:
    """Write port, listen address and socket folder from settings before each start."""
    text = (
        "# Written by gis_service.pg_local at every start; edit the settings, not this file.\n"
        "listen_addresses = '127.0.0.1'\n"
        f"port = {int(settings.pg_port)}\n"
        f"unix_socket_directories = {_conf_quote(socket_dir(settings))}\n"
        # The defaults since PostgreSQL 10, stated because the local standby needs them.
        "wal_level = replica\nmax_wal_senders = 10\n" + extra
    )
    write_file_as_server(settings.pg_data_dir.resolve() / CONF_INCLUDE, text)


def check_major(settings: Settings, bin_dir: Path) -> None:
    """Refuse a data folder made by another PostgreSQL major than the one found."""
    made_by = (settings.pg_data_dir / "PG_VERSION").read_text().strip()
    if made_by != str(major(bin_dir)):
        raise LocalPostgresError(
            f"{settings.pg_data_dir} was made by PostgreSQL {made_by} but {bin_dir} is "
            f"{major(bin_dir)}; set GIS_PG_BIN_DIR to /usr/lib/postgresql/{made_by}/bin "
            "or remove the data folder (its data is lost)."
        )


def _running_pid(settings: Settings) -> int | None:
    """Pid of the postmaster of this data folder when alive, else None."""
    try:
        pid = int((settings.pg_data_dir / "postmaster.pid").read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)  # Signal 0 only asks whether it lives; a crash leaves a stale file.
    except PermissionError:
        return pid  # Alive, owned by another user (postgres while we are not root).
    except OSError:
        return None
    return pid


def running_port(settings: Settings) -> int | None:
    """Port recorded in postmaster.pid (line 4), or None."""
    try:
        return int((settings.pg_data_dir / "postmaster.pid").read_text().splitlines()[3])
    except (OSError, ValueError, IndexError):
        return None


def is_running(settings: Settings) -> bool:
    """True when the local cluster's server is up."""
    return _running_pid(settings) is not None


def pg_ctl(settings: Settings, bin_dir: Path, *args: str | Path) -> None:
    """Run pg_ctl on the data folder as the server user."""
    cmd = [bin_dir / "pg_ctl", "-D", settings.pg_data_dir.resolve(), *args]
    run(as_server_user(cmd), what=f"pg_ctl {args[0]}", log=log_path(settings))


def start(settings: Settings) -> str:
    """Install if needed, initdb on first use, start, ensure the database; return its URL."""
    bin_dir = ensure_installed(settings)
    try:
        prepare_paths(settings)
    except PermissionError as exc:
        # E.g. a cluster made by root, now started by a normal user: say which file and why.
        raise LocalPostgresError(f"cannot prepare the local cluster's folders: {exc}") from exc
    if not is_initialised(settings):
        _initdb(settings, bin_dir)
    check_major(settings, bin_dir)
    if not is_running(settings):
        write_runtime_conf(settings)
        pg_ctl(settings, bin_dir, "start", "-w", "-t", "60", "-l", log_path(settings))
    elif (port := running_port(settings)) != settings.pg_port:
        raise LocalPostgresError(
            f"the cluster in {settings.pg_data_dir} runs on port {port}, settings say "
            f"{settings.pg_port}; stop it first (gis-service db stop)."
        )
    _ensure_database(settings, settings.pg_database)
    return url(settings)


def stop(settings: Settings) -> None:
    """Stop the local cluster (fast shutdown); nothing to do when it is not running."""
    if not is_running(settings):
        return
    bin_dir = find_bin_dir(settings)
    if bin_dir is None:
        raise LocalPostgresError(f"PostgreSQL binaries not found under {PG_ROOT}.")
    pg_ctl(settings, bin_dir, "stop", "-w", "-t", "60", "-m", "fast")


# --- databases ----------------------------------------------------------------------------


def connect(settings: Settings, database: str) -> psycopg.Connection[tuple[object, ...]]:
    """Autocommit connection to a database of the running local cluster."""
    try:
        return psycopg.connect(
            host="127.0.0.1",
            port=settings.pg_port,
            user=SUPERUSER,
            dbname=database,
            autocommit=True,  # CREATE/DROP DATABASE cannot run inside a transaction.
            connect_timeout=10,
        )
    except psycopg.OperationalError as exc:
        raise LocalPostgresError(
            f"cannot connect to {url(settings, database)}: {exc}\n"
            f"--- last lines of {log_path(settings)} ---\n{log_tail(log_path(settings))}"
        ) from exc


def _create_postgis(settings: Settings, database: str) -> None:
    """CREATE EXTENSION postgis in a database when missing."""
    with connect(settings, database) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def _ensure_database(settings: Settings, database: str) -> None:
    """Create a database with PostGIS unless it exists."""
    with connect(settings, "postgres") as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if found.fetchone() is None:
            # Another process (a parallel test worker) may create it meanwhile.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    _create_postgis(settings, database)


def drop_and_create_database(settings: Settings, name: str) -> str:
    """Replace a database of the running local cluster by an empty one with PostGIS; its URL."""
    if name in ("postgres", "template0", "template1"):
        raise LocalPostgresError(f"refusing to drop the system database {name!r}.")
    with connect(settings, "postgres") as conn:
        ident = sql.Identifier(name)
        # FORCE ends leftover sessions, e.g. of a test run that was interrupted.
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))
    _create_postgis(settings, name)
    return url(settings, name)


# --- status -------------------------------------------------------------------------------


def _installed_versions(settings: Settings) -> str:
    """PostgreSQL and PostGIS versions installed on disk."""
    try:
        bin_dir = find_bin_dir(settings)
        if bin_dir is None:
            return f"PostgreSQL: not installed (no {PG_ROOT}/NN/bin)"
        pg = run([bin_dir / "postgres", "--version"], what="postgres --version").strip()
        control = postgis_control(bin_dir)
        found = re.search(r"default_version\s*=\s*'([^']+)'", log_tail(control, 100))
        postgis = f"PostGIS {found.group(1)}" if found else "PostGIS: not installed"
    except LocalPostgresError as exc:
        return f"versions unknown: {exc}"
    return f"{pg} ({bin_dir}); {postgis}"


def _server_versions(settings: Settings) -> str:
    """PostgreSQL and PostGIS versions reported by the running server."""
    try:
        with connect(settings, settings.pg_database) as conn:
            pg = conn.execute("SHOW server_version").fetchone()
            gis = conn.execute(
                "SELECT extversion FROM pg_extension WHERE extname = 'postgis'"
            ).fetchone()
    except LocalPostgresError as exc:
        return f"versions unknown: {str(exc).splitlines()[0]}"
    postgis = f"PostGIS {gis[0]}" if gis else f"PostGIS not enabled in {settings.pg_database}"
    return f"PostgreSQL {pg[0] if pg else '?'}; {postgis}"


def status(settings: Settings) -> str:
    """Human-readable state of the local cluster: running or not, folders, port, versions."""
    pid = _running_pid(settings)
    if pid is not None:
        state = f"running (pid {pid}) on 127.0.0.1:{running_port(settings)}"
        versions = _server_versions(settings)
    else:
        state = "not running"
        versions = _installed_versions(settings)
    made = "initialised" if is_initialised(settings) else "not initialised yet"
    return "\n".join(
        [
            f"Local PostGIS: {state}",
            f"Data folder: {settings.pg_data_dir.resolve()} ({made})",
            f"Port: {settings.pg_port}; socket folder: {socket_dir(settings)}",
            f"Log: {log_path(settings)}",
            f"URL: {url(settings)}",
            f"Versions: {versions}",
        ]
    )
