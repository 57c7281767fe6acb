"""The shipped nginx tile cache (deploy/nginx/yatou-tiles.conf, issue 10 goal 3): its syntax
passes `nginx -t`, and in front of a real server it keeps versioned tiles and nothing else."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from sqlalchemy.orm import Session

from gis_service.repo.parcel_tiles import data_version
from gis_service.settings import PROJECT_ROOT
from tests.conftest import free_port

sys.path.insert(0, str(PROJECT_ROOT / "bench"))
from tile_bench import nginx_config, nginx_in_front  # noqa: E402

TILE = "/api/tiles/12/3441/1592.mvt"


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str]]:
    """Status and headers (names in lower case) of a GET, errors included."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as answer:
            answer.read()
            status, got = answer.status, answer.headers
    except urllib.error.HTTPError as error:
        status, got = error.code, error.headers
    return status, {k.lower(): v for k, v in got.items()}


def test_the_shipped_config_passes_nginx_t() -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = nginx_config(Path(folder), "127.0.0.1:8000", free_port())
        done = subprocess.run(
            ["/usr/sbin/nginx", "-t", "-p", folder, "-c", str(config)],
            capture_output=True,
            text=True,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def test_nginx_keeps_versioned_tiles_only(live_server: str, session: Session) -> None:
    upstream = live_server.removeprefix("http://")
    with nginx_in_front(upstream, free_port()) as via:
        assert via is not None, "nginx is installed by .ci/run"
        versioned = f"{via}{TILE}?v={data_version(session)}"
        assert fetch(versioned)[1]["x-tile-cache"] == "MISS"
        status, headers = fetch(versioned)
        assert status == 200 and headers["x-tile-cache"] == "HIT"
        assert headers["cache-control"] == "public, max-age=31536000, immutable"
        assert fetch(versioned, **{"Accept-Encoding": "gzip"})[1]["x-tile-cache"] == "MISS"
        unversioned = f"{via}{TILE}"
        fetch(unversioned)
        assert fetch(unversioned)[1]["x-tile-cache"] == "MISS"  # no-cache: never stored
        bad_token = fetch(versioned, Authorization="Bearer not-a-token")
        assert bad_token[0] == 401 and bad_token[1]["x-tile-cache"] == "BYPASS"
        assert fetch(f"{via}/healthz")[0] == 200  # everything else passes through
