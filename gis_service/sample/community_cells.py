"""The 21 illustrative communities (a Voronoi partition of the land) and 4 urban villages.

No public boundary exists: the plan's six community names go to the cells nearest the old town,
the others are neutral placeholders (data/geo/README.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, box

from gis_service.sample.drawing import PRECISION, snapped, to_metric, to_wgs84
from gis_service.sample.plan_items import (
    OLD_TOWN,
    PLACEHOLDER_COMMUNITIES,
    PLAN_COMMUNITIES,
    URBAN_VILLAGES,
)
from gis_service.sample.random_streams import rng_for
from gis_service.sample.site_layout import BOX

# (name, kind, geometry): kind is "community" or "urban_village", as the community table has it.
Community = tuple[str, str, MultiPolygon]


def community_seeds(land_box_m: Polygon) -> list[tuple[float, float]]:
    """21 seed points spread evenly over the land by a few rounds of Lloyd's relaxation."""
    minx, miny, maxx, maxy = land_box_m.bounds
    xs, ys = np.meshgrid(np.arange(minx + 60, maxx, 120.0), np.arange(miny + 60, maxy, 120.0))
    samples = np.column_stack([xs.ravel(), ys.ravel()])
    samples = samples[shapely.contains_xy(land_box_m, samples[:, 0], samples[:, 1])]
    rng = rng_for("community-seeds")
    seeds = samples[sorted(rng.sample(range(len(samples)), 21))]
    for _ in range(25):
        nearest = ((samples[:, None, :] - seeds[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
        seeds = np.array([samples[nearest == k].mean(axis=0) for k in range(21)])
    # Whole metres: the layout must not hinge on the last bits of a float mean.
    return [(round(float(x)), round(float(y))) for x, y in seeds]


def community_names(seeds: Sequence[tuple[float, float]]) -> list[str]:
    """Plan names go to the seeds nearest the old town (the plan's "old brands"), then others."""
    town = to_metric(Point(OLD_TOWN))
    order = sorted(range(len(seeds)), key=lambda k: (Point(seeds[k]).distance(town), k))
    stems = PLAN_COMMUNITIES + PLACEHOLDER_COMMUNITIES
    names = [""] * len(seeds)
    for rank, k in enumerate(order):
        names[k] = stems[rank] + "社区"
    return names


def build_communities(land_box: MultiPolygon) -> list[tuple[str, str, MultiPolygon]]:
    """(name, kind, geometry): 21 Voronoi cells clipped to land, and 4 urban villages."""
    land_box_m = to_metric(land_box)
    seeds = community_seeds(land_box_m)
    names = community_names(seeds)
    frame = to_metric(box(*BOX)).buffer(500.0)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=frame)
    result = []
    for seed, name in zip(seeds, names, strict=True):
        cell = next(c for c in cells.geoms if c.contains(Point(seed)))
        # The cell goes to degrees on the grid first: neighbours then share exact edges.
        cell_deg = shapely.set_precision(to_wgs84(cell), PRECISION)
        clipped = shapely.intersection(cell_deg, land_box, grid_size=PRECISION)
        result.append((name, "community", snapped(clipped)))
    for name, lon, lat, radius in URBAN_VILLAGES:
        rng = rng_for(f"village/{name}")
        centre = to_metric(Point(lon, lat))
        ring = [
            (
                centre.x + radius * rng.uniform(0.75, 1.1) * math.cos(2 * math.pi * k / 7),
                centre.y + radius * rng.uniform(0.75, 1.1) * math.sin(2 * math.pi * k / 7),
            )
            for k in range(7)
        ]
        village = shapely.intersection(to_wgs84(Polygon(ring)), land_box, grid_size=PRECISION)
        result.append((name, "urban_village", snapped(village)))
    return result


def community_of(point: Any, communities: Sequence[Community]) -> str:
    """The name of the one community (not urban village) that contains a point."""
    names = [n for n, kind, g in communities if kind == "community" and g.contains(point)]
    if len(names) != 1:
        raise ValueError(f"point {point.wkt} lies in {names}, not exactly one community")
    return names[0]
