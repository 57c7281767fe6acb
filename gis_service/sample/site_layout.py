"""Where each parcel lies: a grid of free cells on land, the road's frontage, and names by place.

Shapes are drawn in metres (EPSG:4550). A parcel takes a free block of cells, so no two parcels
overlap, even across categories; the order of the takes decides who gets the wanted spots.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

import shapely
from shapely.geometry import LineString, Point, Polygon, box

from gis_service.sample.drawing import footprint, metric_point
from gis_service.sample.plan_items import (
    CITY_HALL,
    DELIVERY_PLANS,
    OLD_TOWN,
    PROJECT_PLANS,
    T9_PLANS,
)
from gis_service.sample.random_streams import rng_for

BOX = (122.41, 37.14, 122.49, 37.18)  # lon/lat box of the sample parcels (geo README)
CELL_M = 250.0  # parcels are laid out on a grid of free cells so none overlap
LAND_INSET_M = 40.0  # keep parcels this far inside the shoreline and the box
ROAD_RESERVE_M = 150.0  # grid cells this close to 成山大道 are kept for the idle buildings


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
        """The square of n×n cells whose lower-left cell is (c, r), in metres."""
        x, y = self.x0 + c * CELL_M, self.y0 + r * CELL_M
        return box(x, y, x + n * CELL_M, y + n * CELL_M)

    def cells(self, c: int, r: int, n: int) -> list[tuple[int, int]]:
        """The cells of that block."""
        return [(c + i, r + j) for i in range(n) for j in range(n)]

    def is_free(self, c: int, r: int, n: int) -> bool:
        """Whether every cell of the block is usable and not yet taken."""
        return all(cell in self.usable and cell not in self.taken for cell in self.cells(c, r, n))

    def free_blocks(self, n: int) -> list[tuple[int, int]]:
        """Lower-left cells of every free n×n block, column by column."""
        return [(c, r) for c in range(self.cols) for r in range(self.rows) if self.is_free(c, r, n)]

    def take(self, c: int, r: int, n: int) -> Polygon:
        """Mark a block taken and return its square."""
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
    for project in PROJECT_PLANS:
        n = 2 if max(project.size) > 200 else 1
        block = grid.take_nearest(metric_point(*project.point), n)
        sites.append(Site(project.code, "key_project", [project.target],
                          shape_in_block(block, project.size, rng), project.name))  # fmt: skip
    for delivery in DELIVERY_PLANS:
        block = grid.take_nearest(metric_point(*delivery.point), 1)
        size = (rng.uniform(80, 100), rng.uniform(60, 90))
        sites.append(Site(delivery.code, "idle_building", [delivery.target],
                          shape_in_block(block, size, rng), delivery.name))  # fmt: skip
    for k, (idle, poly) in enumerate(zip(T9_PLANS, idle_footprints(road_m), strict=True)):
        sites.append(Site(f"IB-{k + 1:02d}", "idle_building", ["T9"], poly, idle.name))
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
    """A community's name without 社区, for the names of its parcels (崖头 if none)."""
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


def name_sites(sites: Sequence[Site]) -> None:
    """Name the sites the plan does not name, by community, in code order; pick the T4 six."""
    numbered_names([s for s in sites if s.code.startswith("DA")], "{stem}片区拆迁区域{n}")
    numbered_names([s for s in sites if s.code.startswith("PS")], "{stem}拆迁遗留问题点{n}")
    compound_sites = [s for s in sites if s.code.startswith("OC")]
    pick_renovations(compound_sites)
    numbered_names(compound_sites, "{stem}{n}号小区")
