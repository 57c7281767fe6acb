"""The screen as a standalone HTML file for a date: opens from disk, with no network at all."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from gis_service.maps.files import write_html
from gis_service.screen.bundle import screen_data
from gis_service.screen.config import page_config
from gis_service.screen.screen_page import render_screen_file
from gis_service.settings import Settings


def screen_file_name(as_of: date) -> str:
    """File name of the screen for a date."""
    return f"screen_{as_of.isoformat()}.html"


def write_screen_file(
    session: Session, settings: Settings, *, on: date, out: Path
) -> tuple[Path, int]:
    """Write the screen of a date with its data and assets inside; returns the path and size."""
    config = page_config(session, settings, pinned=on, live=False)
    data = screen_data(session, on, thresholds=settings.thresholds)
    path = out / screen_file_name(on)
    return path, write_html(render_screen_file(config, data), path)
