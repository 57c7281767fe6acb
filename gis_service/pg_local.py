"""The project-owned local PostGIS cluster: install, initdb, start, stop, status.

The cluster lives in `settings.pg_data_dir` (default `var/pgdata`, git-ignored). Next to it sit
its socket folder and log, named after the data folder (`pgdata` -> `pgsock/`, `pg.log`), so it
never clashes with a system cluster. It listens on 127.0.0.1:`settings.pg_port` and on that
socket only, with trust authentication for both, and the superuser is `postgres`.

When run as root the server programs run as the `postgres` user (PostgreSQL refuses root);
the folders are handed to that user and their parents made traversable (o+x) where needed.

The URL handed out is TCP: `postgresql+psycopg://postgres@127.0.0.1:<port>/<db>`. It needs no
path quoting, works from any user and any client, and `start` fails loudly if someone else
holds the port, so it always reaches this cluster.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import psycopg
from psycopg import sql

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


def _is_root() -> bool:
    """True when this process runs as root."""
    return os.geteuid() == 0


def _tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    """Last lines of a text file, or '' when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _run(cmd: Sequence[str | Path], *, what: str, log: Path | None = None) -> str:
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
        if log is not None and (tail := _tail(log)):
            parts.append(f"--- last lines of {log} ---\n{tail}")
        raise LocalPostgresError("\n".join(parts))
    return done.stdout


def _as_server_user(cmd: Sequence[str | Path]) -> list[str | Path]:
    """Prefix a command so it runs as `postgres` when we are root (initdb/pg_ctl refuse root)."""
    return ["runuser", "-u", SUPERUSER, "--", *cmd] if _is_root() else list(cmd)


# --- installation -------------------------------------------------------------------------


def _newest_bin_dir() -> Path | None:
    """Newest /usr/lib/postgresql/NN/bin holding pg_ctl, or None."""
    majors = [p for p in PG_ROOT.glob("*/bin/pg_ctl") if p.parent.parent.name.isdigit()]
    if not majors:
        return None
    return max(majors, key=lambda p: int(p.parent.parent.name)).parent


def _find_bin_dir(settings: Settings) -> Path | None:
    """The configured bin folder, else the newest installed one, else None."""
    if settings.pg_bin_dir is not None:
        if not (settings.pg_bin_dir / "pg_ctl").exists():
            raise LocalPostgresError(
                f"GIS_PG_BIN_DIR={settings.pg_bin_dir} holds no pg_ctl; fix or unset it."
            )
        return settings.pg_bin_dir
    return _newest_bin_dir()


def _major(bin_dir: Path) -> int:
    """PostgreSQL major version of a bin folder (from `pg_config --version`)."""
    out = _run([bin_dir / "pg_config", "--version"], what="pg_config --version")
    match = re.search(r"(\d+)", out)
    if match is None:
        raise LocalPostgresError(f"cannot read a version from pg_config: {out!r}")
    return int(match.group(1))


def _postgis_control(bin_dir: Path) -> Path:
    """Where postgis.control must be for the PostgreSQL of this bin folder."""
    share = _run([bin_dir / "pg_config", "--sharedir"], what="pg_config --sharedir").strip()
    return Path(share) / "extension" / "postgis.control"


def _apt_default_major() -> int:
    """Major the `postgresql` metapackage installs (15 on Debian 12, 16 on Ubuntu 24.04)."""
    if shutil.which("apt-cache") is None:
        return 15
    done = subprocess.run(
        ["apt-cache", "depends", "postgresql"], capture_output=True, text=True, check=False
    )
    found = re.search(r"Depends: postgresql-(\d+)\s", done.stdout + "\n")
    return int(found.group(1)) if found else 15


def _apt(cmd: list[str]) -> None:
    """Run an apt-get command with its output shown, so the user sees the progress."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"pg_local: running {' '.join(cmd)}", file=sys.stderr, flush=True)
    if subprocess.run(cmd, env=env, check=False).returncode != 0:
        raise LocalPostgresError(f"{' '.join(cmd)} failed; see its output above.")


def _can_apt_install(packages: list[str]) -> None:
    """Return when we may install with apt (root on Debian/Ubuntu); else raise what to run."""
    command = f"sudo apt-get update && sudo apt-get install -y {' '.join(packages)}"
    if shutil.which("apt-get") is None:
        raise LocalPostgresError(
            f"PostgreSQL 15+ with PostGIS 3 is needed (on Debian/Ubuntu: {command}); "
            "install it and set GIS_PG_BIN_DIR to its bin folder."
        )
    if not _is_root():
        raise LocalPostgresError(command)


def _install_server() -> None:
    """Install PostgreSQL and the PostGIS 3 of the same major with apt."""
    _can_apt_install(["postgresql", f"postgresql-{_apt_default_major()}-postgis-3"])
    _apt(["apt-get", "update"])
    # Asked after the update: the `postgresql` metapackage decides the major, PostGIS must match.
    postgis = f"postgresql-{_apt_default_major()}-postgis-3"
    _apt(["apt-get", "install", "-y", "postgresql", postgis])


def _install_postgis(bin_dir: Path) -> None:
    """Install the PostGIS 3 package matching the PostgreSQL of bin_dir with apt."""
    package = f"postgresql-{_major(bin_dir)}-postgis-3"
    _can_apt_install([package])
    _apt(["apt-get", "update"])
    _apt(["apt-get", "install", "-y", package])


def ensure_installed(settings: Settings) -> Path:
    """Find PostgreSQL's bin folder and PostGIS, installing them with apt when root."""
    bin_dir = _find_bin_dir(settings)
    if bin_dir is None:
        _install_server()
        bin_dir = _find_bin_dir(settings)
        if bin_dir is None:
            raise LocalPostgresError(f"PostgreSQL installed but no {PG_ROOT}/NN/bin/pg_ctl found.")
    if not _postgis_control(bin_dir).exists():
        _install_postgis(bin_dir)
        if not _postgis_control(bin_dir).exists():
            raise LocalPostgresError(f"PostGIS not found at {_postgis_control(bin_dir)}.")
    return bin_dir


# --- permissions --------------------------------------------------------------------------


def _server_ids() -> tuple[int, int]:
    """uid and gid the server runs as: `postgres` when root, else ourselves."""
    if not _is_root():
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


def _prepare_paths(settings: Settings) -> None:
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
    if _is_root():
        _make_traversable(data_dir)
        _make_traversable(sock)


# --- cluster lifecycle --------------------------------------------------------------------


def _is_initialised(settings: Settings) -> bool:
    """True when the data folder holds a cluster."""
    return (settings.pg_data_dir / "PG_VERSION").exists()


def _write_file_as_server(path: Path, text: str) -> None:
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
    _run(_as_server_user(cmd), what="initdb")
    # Trust is acceptable only because nothing but this machine can connect (no other lines).
    hba = "local all all trust\nhost all all 127.0.0.1/32 trust\n"
    _write_file_as_server(data_dir / "pg_hba.conf", hba)
    with (data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write(
            f"\n# Port and sockets come from the project settings.\n"
            f"include_if_exists = {_conf_quote(CONF_INCLUDE)}\n"
        )


def _write_runtime_conf(settings: Settings) -> None:
    """Write port, listen address and socket folder from settings before each start."""
    text = (
        "# Written by gis_service.pg_local at every start; edit the settings, not this file.\n"
        "listen_addresses = '127.0.0.1'\n"
        f"port = {int(settings.pg_port)}\n"
        f"unix_socket_directories = {_conf_quote(socket_dir(settings))}\n"
    )
    _write_file_as_server(settings.pg_data_dir.resolve() / CONF_INCLUDE, text)


def _check_major(settings: Settings, bin_dir: Path) -> None:
    """Refuse a data folder made by another PostgreSQL major than the one found."""
    made_by = (settings.pg_data_dir / "PG_VERSION").read_text().strip()
    if made_by != str(_major(bin_dir)):
        raise LocalPostgresError(
            f"{settings.pg_data_dir} was made by PostgreSQL {made_by} but {bin_dir} is "
            f"{_major(bin_dir)}; set GIS_PG_BIN_DIR to /usr/lib/postgresql/{made_by}/bin "
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


def _running_port(settings: Settings) -> int | None:
    """Port recorded in postmaster.pid (line 4), or None."""
    try:
        return int((settings.pg_data_dir / "postmaster.pid").read_text().splitlines()[3])
    except (OSError, ValueError, IndexError):
        return None


def is_running(settings: Settings) -> bool:
    """True when the local cluster's server is up."""
    return _running_pid(settings) is not None


def _pg_ctl(settings: Settings, bin_dir: Path, *args: str | Path) -> None:
    """Run pg_ctl on the data folder as the server user."""
    cmd = [bin_dir / "pg_ctl", "-D", settings.pg_data_dir.resolve(), *args]
    _run(_as_server_user(cmd), what=f"pg_ctl {args[0]}", log=log_path(settings))


def start(settings: Settings) -> str:
    """Install if needed, initdb on first use, start, ensure the database; return its URL."""
    bin_dir = ensure_installed(settings)
    try:
        _prepare_paths(settings)
    except PermissionError as exc:
        # E.g. a cluster made by root, now started by a normal user: say which file and why.
        raise LocalPostgresError(f"cannot prepare the local cluster's folders: {exc}") from exc
    if not _is_initialised(settings):
        _initdb(settings, bin_dir)
    _check_major(settings, bin_dir)
    if not is_running(settings):
        _write_runtime_conf(settings)
        _pg_ctl(settings, bin_dir, "start", "-w", "-t", "60", "-l", log_path(settings))
    elif (port := _running_port(settings)) != settings.pg_port:
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
    bin_dir = _find_bin_dir(settings)
    if bin_dir is None:
        raise LocalPostgresError(f"PostgreSQL binaries not found under {PG_ROOT}.")
    _pg_ctl(settings, bin_dir, "stop", "-w", "-t", "60", "-m", "fast")


# --- databases ----------------------------------------------------------------------------


def _connect(settings: Settings, database: str) -> psycopg.Connection[tuple[object, ...]]:
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
            f"--- last lines of {log_path(settings)} ---\n{_tail(log_path(settings))}"
        ) from exc


def _create_postgis(settings: Settings, database: str) -> None:
    """CREATE EXTENSION postgis in a database when missing."""
    with _connect(settings, database) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def _ensure_database(settings: Settings, database: str) -> None:
    """Create a database with PostGIS unless it exists."""
    with _connect(settings, "postgres") as conn:
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
    with _connect(settings, "postgres") as conn:
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
        bin_dir = _find_bin_dir(settings)
        if bin_dir is None:
            return f"PostgreSQL: not installed (no {PG_ROOT}/NN/bin)"
        pg = _run([bin_dir / "postgres", "--version"], what="postgres --version").strip()
        control = _postgis_control(bin_dir)
        found = re.search(r"default_version\s*=\s*'([^']+)'", _tail(control, 100))
        postgis = f"PostGIS {found.group(1)}" if found else "PostGIS: not installed"
    except LocalPostgresError as exc:
        return f"versions unknown: {exc}"
    return f"{pg} ({bin_dir}); {postgis}"


def _server_versions(settings: Settings) -> str:
    """PostgreSQL and PostGIS versions reported by the running server."""
    try:
        with _connect(settings, settings.pg_database) as conn:
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
        state = f"running (pid {pid}) on 127.0.0.1:{_running_port(settings)}"
        versions = _server_versions(settings)
    else:
        state = "not running"
        versions = _installed_versions(settings)
    made = "initialised" if _is_initialised(settings) else "not initialised yet"
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
