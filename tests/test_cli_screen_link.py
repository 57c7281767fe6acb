"""`gis-service screen-link create|list|revoke` and the screen file of `gis-service render`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import Engine, text

from gis_service import db
from gis_service.cli import main
from gis_service.screen.links import key_is_live
from gis_service.settings import Settings


@pytest.fixture
def cli_engine(cli_database: tuple[str, Engine], monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The CLI database's engine, its URL set as DATABASE_URL for the commands."""
    monkeypatch.setenv("DATABASE_URL", cli_database[0])
    return cli_database[1]


def live(engine: Engine, key: str) -> bool:
    """Whether the key opens the screen, read in its own transaction."""
    with db.transaction(engine) as session:
        return key_is_live(session, key)


def test_create_prints_a_url_with_a_long_key_stored_hashed(
    cli_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["screen-link", "create", "--name", "会议室", "--base-url", "http://10.0.0.5:8000/"]
    )
    assert code == 0
    url = capsys.readouterr().out.strip().splitlines()[-1]
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "10.0.0.5:8000", "/screen")
    key = parse_qs(parts.query)["key"][0]
    assert len(key) >= 43 and live(cli_engine, key)
    with cli_engine.connect() as conn:
        stored = conn.execute(text("SELECT key_hash FROM screen_link WHERE name = '会议室'"))
        assert key not in str(stored.scalar_one())


def test_create_uses_the_public_base_url_when_set(
    cli_engine: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIS_PUBLIC_BASE_URL", "https://gis.yatou.example")
    assert main(["screen-link", "create", "--name", "指挥中心"]) == 0
    url = capsys.readouterr().out.strip().splitlines()[-1]
    assert url.startswith("https://gis.yatou.example/screen?key=")


def test_list_and_revoke(cli_engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    main(["screen-link", "create", "--name", "大厅"])
    key = parse_qs(urlsplit(capsys.readouterr().out.strip().splitlines()[-1]).query)["key"][0]
    assert main(["screen-link", "list"]) == 0
    listed = capsys.readouterr().out
    assert "大厅" in listed and key not in listed
    assert main(["screen-link", "revoke", "大厅"]) == 0
    assert not live(cli_engine, key)
    assert main(["screen-link", "revoke", "大厅"]) == 1  # no live link of that name now
    assert "no live screen link" in capsys.readouterr().err


def test_render_writes_a_standalone_screen(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", str(settings.database_url))
    assert main(["render", "--as-of", "2021-06-30", "--out", str(tmp_path)]) == 0
    page = (tmp_path / "screen_2021-06-30.html").read_text(encoding="utf-8")
    assert '<script type="application/json" id="ys-data">' in page
    assert "echarts" in page and "<script src=" not in page and '<link rel="stylesheet"' not in page
