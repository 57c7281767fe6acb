"""Finding, and on Debian/Ubuntu installing, PostgreSQL and PostGIS for the local cluster."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from gis_service.pg_local.commands import PG_ROOT, LocalPostgresError, is_root, run
from gis_service.settings import Settings

# --- installation -------------------------------------------------------------------------


def _newest_bin_dir() -> Path | None:
    """Newest /usr/lib/postgresql/NN/bin holding pg_ctl, or None."""
    majors = [p for p in PG_ROOT.glob("*/bin/pg_ctl") if p.parent.parent.name.isdigit()]
    if not majors:
        return None
    return max(majors, key=lambda p: int(p.parent.parent.name)).parent


def find_bin_dir(settings: Settings) -> Path | None:
    """The configured bin folder, else the newest installed one, else None."""
    if settings.pg_bin_dir is not None:
        if not (settings.pg_bin_dir / "pg_ctl").exists():
            raise LocalPostgresError(
                f"GIS_PG_BIN_DIR={settings.pg_bin_dir} holds no pg_ctl; fix or unset it."
            )
        return settings.pg_bin_dir
    return _newest_bin_dir()


def major(bin_dir: Path) -> int:
    """PostgreSQL major version of a bin folder (from `pg_config --version`)."""
    out = run([bin_dir / "pg_config", "--version"], what="pg_config --version")
    match = re.search(r"(\d+)", out)
    if match is None:
        raise LocalPostgresError(f"cannot read a version from pg_config: {out!r}")
    return int(match.group(1))


def postgis_control(bin_dir: Path) -> Path:
    """Where postgis.control must be for the PostgreSQL of this bin folder."""
    share = run([bin_dir / "pg_config", "--sharedir"], what="pg_config --sharedir").strip()
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
    if not is_root():
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
    package = f"postgresql-{major(bin_dir)}-postgis-3"
    _can_apt_install([package])
    _apt(["apt-get", "update"])
    _apt(["apt-get", "install", "-y", package])


def ensure_installed(settings: Settings) -> Path:
    """Find PostgreSQL's bin folder and PostGIS, installing them with apt when root."""
    bin_dir = find_bin_dir(settings)
    if bin_dir is None:
        _install_server()
        bin_dir = find_bin_dir(settings)
        if bin_dir is None:
            raise LocalPostgresError(f"PostgreSQL installed but no {PG_ROOT}/NN/bin/pg_ctl found.")
    if not postgis_control(bin_dir).exists():
        _install_postgis(bin_dir)
        if not postgis_control(bin_dir).exists():
            raise LocalPostgresError(f"PostGIS not found at {postgis_control(bin_dir)}.")
    return bin_dir
