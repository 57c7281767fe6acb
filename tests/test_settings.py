"""Settings: URLs rewritten for psycopg 3, and basemaps that could not be drawn refused early."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gis_service.settings import Settings


def make(**values: object) -> Settings:
    """Settings from explicit values only (no environment file)."""
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def test_plain_postgresql_urls_use_psycopg3() -> None:
    assert make(database_url="postgresql://u@h/db").database_url == "postgresql+psycopg://u@h/db"
    assert make(database_url="postgres://u@h/db").database_url == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("values", "missing"),
    [({"basemap": "tianditu"}, "GIS_TIANDITU_KEY"), ({"basemap": "custom"}, "GIS_BASEMAP_URL")],
)
def test_incomplete_basemaps_are_refused(values: dict[str, object], missing: str) -> None:
    with pytest.raises(ValidationError, match=missing):
        make(**values)


def test_thresholds_come_from_settings() -> None:
    thresholds = make(level_orange_days=7, level_yellow_lag=5).thresholds
    assert (thresholds.orange_days, thresholds.yellow_lag) == (7, 5)
