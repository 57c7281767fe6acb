"""Writing the sample: GeoJSON files one feature a line, and the README's figure table."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from gis_service.sample.drawing import geojson_geometry

TABLE_START: Final = "<!-- figures:start (written by python -m gis_service.sample) -->"
TABLE_END: Final = "<!-- figures:end -->"


def feature(properties: Mapping[str, Any], geom: Any) -> dict[str, Any]:
    """A GeoJSON Feature with the geometry rounded to 6 decimals."""
    return {"type": "Feature", "properties": properties, "geometry": geojson_geometry(geom)}


def write_collection(path: Path, features: Sequence[Mapping[str, Any]]) -> None:
    """A FeatureCollection with one feature per line (readable diffs), UTF-8, no escapes."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


def has_figure_table(readme: Path) -> bool:
    """Whether a README carries the figure markers (a fresh --out folder has none)."""
    return readme.exists() and TABLE_START in readme.read_text(encoding="utf-8")


def update_readme(readme: Path, table: str) -> None:
    """Replace the text between the figure markers of the README."""
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    readme.write_text(f"{head}{TABLE_START}\n{table}{TABLE_END}{tail}", encoding="utf-8")
