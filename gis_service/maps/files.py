"""Standalone HTML map files under maps/ (for e-mail and offline use); building is in planner.py."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

import folium

from gis_service.maps import map_data
from gis_service.maps.assets import inline_assets
from gis_service.maps.page import page_html
from gis_service.settings import Settings

# The plan's quarter ends: the dates leadership reviews (周调度、月回头) look back on.
QUARTER_ENDS = (date(2021, 3, 31), date(2021, 6, 30), date(2021, 9, 30), date(2021, 12, 31))


def render_standalone(m: folium.Map) -> str:
    """The map as one self-contained HTML page: every asset inlined, no external request."""
    return page_html(inline_assets(m))


def write_standalone(m: folium.Map, path: Path) -> int:
    """Write the map as one self-contained HTML file; returns the bytes written."""
    return write_html(render_standalone(m), path)


def write_html(page: str, path: Path) -> int:
    """Write an HTML page to a file atomically, readable by all; returns the bytes written."""
    data = page.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename, so a browser or mail job never sees half a file.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; maps are shared by mail and web
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(data)


def planner_file_name(as_of: date) -> str:
    """File name of the planners' map for a date."""
    return f"planner_{as_of.isoformat()}.html"


def render_planner_maps(
    session: Session,
    settings: Settings,
    *,
    dates: list[date],
    out: Path,
    progress: Callable[[int, int], None] | None = None,
) -> list[tuple[Path, int]]:
    """Write one standalone planners' map per date; returns each file and its size in bytes."""
    written = []
    for done, as_of in enumerate(dates, start=1):
        inputs = map_data.gather(session, settings, as_of=as_of)
        # A file cannot ask the service for another date or a history; index.html lists
        # the dates rendered beside it instead.
        m = map_data.planner_map(inputs, settings, date_picker_url=None, history_url=None)
        path = out / planner_file_name(as_of)
        written.append((path, write_standalone(m, path)))
        if progress:
            progress(done, len(dates))
    write_index(out, dates)
    return written


def write_index(out: Path, dates: list[date]) -> Path:
    """An index.html linking the rendered maps, newest first (names are ours: no escaping)."""
    items = "\n".join(
        f'<li><a href="{planner_file_name(d)}">{d.year}年{d.month}月{d.day}日 进度图</a></li>'
        for d in sorted(dates, reverse=True)
    )
    page = (
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        "<title>崖头街道城市更新进度图</title></head>\n"
        f"<body><h1>崖头街道城市更新进度图</h1>\n<ul>\n{items}\n</ul></body></html>\n"
    )
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
