"""The project-owned local PostGIS cluster, started for real on a temporary folder and port."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from gis_service import pg_local
from gis_service.settings import Settings


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _scalar(db_url: str, query: str) -> object:
    """First value of a query run through SQLAlchemy (so the URL form is tested too)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(query)).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings for a cluster of its own (temp data folder, free port), stopped at the end."""
    data_dir = tmp_path_factory.mktemp("pgcluster") / "pgdata"
    settings = Settings(pg_data_dir=data_dir, pg_port=_free_port(), pg_database="yatou_pgtest")
    yield settings
    pg_local.stop(settings)


@pytest.fixture
def running(cluster: Settings) -> Settings:
    """The cluster, started (a no-op when it already runs), whatever order tests run in."""
    pg_local.start(cluster)
    return cluster


def test_paths_sit_next_to_the_data_folder(tmp_path: Path) -> None:
    settings = Settings(pg_data_dir=tmp_path / "var" / "pgdata", pg_port=5999)
    assert pg_local.socket_dir(settings) == tmp_path / "var" / "pgsock"
    assert pg_local.log_path(settings) == tmp_path / "var" / "pg.log"
    assert pg_local.url(settings) == "postgresql+psycopg://postgres@127.0.0.1:5999/yatou"
    assert pg_local.url(settings, "other").endswith(":5999/other")


def test_status_before_first_start(tmp_path: Path) -> None:
    settings = Settings(pg_data_dir=tmp_path / "pgdata", pg_port=_free_port())
    report = pg_local.status(settings)
    assert "not running" in report
    assert "not initialised" in report
    assert not pg_local.is_running(settings)


def test_a_wrong_bin_dir_is_named(tmp_path: Path) -> None:
    settings = Settings(pg_data_dir=tmp_path / "pgdata", pg_bin_dir=tmp_path)
    with pytest.raises(pg_local.LocalPostgresError, match="GIS_PG_BIN_DIR"):
        pg_local.ensure_installed(settings)


def test_without_root_the_error_is_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    major = pg_local.install.major(pg_local.ensure_installed(Settings()))
    # PostGIS looks missing and we are not root: nothing is installed, the command is the error.
    monkeypatch.setattr(pg_local.install, "is_root", lambda: False)
    monkeypatch.setattr(pg_local.install, "postgis_control", lambda bin_dir: tmp_path / "missing")
    with pytest.raises(pg_local.LocalPostgresError) as raised:
        pg_local.ensure_installed(Settings())
    expected = f"sudo apt-get update && sudo apt-get install -y postgresql-{major}-postgis-3"
    assert str(raised.value) == expected


def test_ensure_installed_finds_postgres_and_postgis() -> None:
    bin_dir = pg_local.ensure_installed(Settings())
    assert (bin_dir / "pg_ctl").exists()


def test_start_reports_running_with_versions(running: Settings) -> None:
    report = pg_local.status(running)
    assert report.startswith("Local PostGIS: running")
    assert f"127.0.0.1:{running.pg_port}" in report
    assert str(running.pg_data_dir.resolve()) in report
    assert "PostgreSQL 1" in report and "PostGIS 3" in report


def test_the_url_reaches_postgis(running: Settings) -> None:
    version = _scalar(pg_local.url(running), "SELECT postgis_lib_version()")
    assert str(version).startswith("3.")


def test_only_local_connections_are_trusted(running: Settings) -> None:
    db_url = pg_local.url(running)
    assert _scalar(db_url, "SHOW listen_addresses") == "127.0.0.1"
    rules = _scalar(
        db_url,
        "SELECT string_agg(coalesce(address, type) || ' ' || array_to_string(database, ','),"
        " ';') FROM pg_hba_file_rules",
    )
    # Connections to any database, and replication (the local standby), from here only.
    assert rules == "local all;127.0.0.1 all;local replication;127.0.0.1 replication"


def test_start_again_is_idempotent(running: Settings) -> None:
    pid_before = pg_local.status(running).splitlines()[0]
    assert pg_local.start(running) == pg_local.url(running)
    assert pg_local.status(running).splitlines()[0] == pid_before


def test_drop_and_create_database_gives_an_empty_postgis_db(running: Settings) -> None:
    db_url = pg_local.drop_and_create_database(running, "yatou_pgtest_fresh")
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE leftover (id int)"))
    engine.dispose()
    db_url = pg_local.drop_and_create_database(running, "yatou_pgtest_fresh")
    assert _scalar(db_url, "SELECT count(*) FROM pg_tables WHERE tablename = 'leftover'") == 0
    assert _scalar(db_url, "SELECT ST_SRID(ST_GeomFromText('POINT(1 2)', 4326))") == 4326


def test_stop_then_status_says_stopped(running: Settings) -> None:
    pg_local.stop(running)
    assert not pg_local.is_running(running)
    assert pg_local.status(running).startswith("Local PostGIS: not running")
    pg_local.stop(running)  # Stopping a stopped cluster is fine.
