"""Writing maps to standalone HTML files (building them is the pure part, in planner.py)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import folium

from gis_service.maps.assets import inline_assets


def render_standalone(m: folium.Map) -> str:
    """The map as one self-contained HTML page: every asset inlined, no external request."""
    return inline_assets(m).get_root().render()


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
