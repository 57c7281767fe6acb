"""The planners' map of a small made-up plan (twelve parcels, two communities), shared by the
map tests with and without a browser."""

from __future__ import annotations

from datetime import date
from typing import Any

import folium

from gis_service.maps.planner import build_planner_map
from gis_service.maps.planner_element import PlannerScript
from gis_service.rules.stages import CATEGORIES, STAGES

AS_OF = date(2021, 6, 30)
XSS_NAMES = (
    "<img src=x onerror=alert(1)>",
    "${alert(1)}",
    "`x`",
    "</script><script>alert(2)</script>",
)
LEVELS = ("red", "orange", "yellow", "blue", "green", "grey")


def square(lon: float, lat: float, size: float = 0.002) -> dict[str, Any]:
    """A square polygon with over-precise coordinates (to test rounding)."""
    lon, lat = lon + 1.23e-9, lat + 4.56e-9
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def parcel(i: int, category: str, name: str, level: str, community: str) -> dict[str, Any]:
    """One parcel Feature as the API emits it, with the computed as-of fields."""
    days_left = {"red": -5, "orange": 10, "yellow": 25, "blue": 90}.get(level)
    return {
        "type": "Feature",
        "geometry": square(122.40 + 0.004 * (i % 6), 37.15 + 0.004 * (i // 6)),
        "properties": {
            "code": f"T-{i:02d}",
            "name": name,
            "category": category,
            "stage": STAGES[category][i % len(STAGES[category])],
            "progress": 40,
            "start_date": "2021-01-01",
            "deadline": None if level == "grey" else "2021-07-10",
            "completed_on": "2021-06-01" if level == "green" else None,
            "community": community,
            "responsible_unit": "城建办",
            "responsible_person": "秘密的人",
            "note": "不应嵌入的备注",
            "illustrative": True,
            "level": level,
            "planned_progress": 55,
            "days_left": days_left,
            "completed_late": False,
            "as_of": AS_OF.isoformat(),
            "milestones": [{"name": "签约", "due_date": "2021-05-01", "done_on": None}],
            "last_change": {"field": "progress", "effective_date": "2021-06-01", "actor": "张三"},
        },
    }


def sample_parcels() -> dict[str, Any]:
    """Three parcels of each category, four of them named with XSS payloads."""
    features = []
    for i in range(12):
        name = XSS_NAMES[i] if i < len(XSS_NAMES) else f"测试地块{i}"
        community = "东社区" if i % 2 else "西社区"
        features.append(parcel(i, CATEGORIES[i % 4], name, LEVELS[i % 6], community))
    return {"type": "FeatureCollection", "features": features}


def sample_communities() -> dict[str, Any]:
    """Two community outlines (one named with a payload too)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "西社区"},
                "geometry": square(122.39, 37.14, 0.03),
            },
            {
                "type": "Feature",
                "properties": {"name": "东社区"},
                "geometry": square(122.42, 37.14, 0.03),
            },
        ],
    }


def sample_map(**kwargs: Any) -> folium.Map:
    """The planners' map of the sample data with a light base."""
    land = {"type": "Feature", "properties": {}, "geometry": square(122.3, 37.0, 0.3)}
    avenue = {
        "type": "Feature",
        "properties": {"name": "成山大道"},
        "geometry": {"type": "LineString", "coordinates": [[122.38, 37.16], [122.46, 37.17]]},
    }
    options: dict[str, Any] = {"land": land, "avenue": avenue, "as_of": AS_OF}
    options.update(kwargs)
    return build_planner_map(sample_parcels(), sample_communities(), **options)


def planner_data(m: folium.Map) -> dict[str, Any]:
    """The data the map embeds for planner.js."""
    (script,) = [c for c in m._children.values() if isinstance(c, PlannerScript)]
    return script.data
