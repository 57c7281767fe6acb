"""Point rows (longitude/latitude columns, Gaode picks, Google Earth placemarks): an existing
parcel keeps its outline, a new one gets an approximate square; lines stay refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from pyproj import Geod
from shapely.geometry import Point, shape

from gis_service.maps.gcj02 import wgs84_to_gcj02
from gis_service.repo import parcel_reads
from gis_service.settings import Settings
from gis_service.transfer.points import metres_outside, square_around
from tests.api_helpers import ORIGIN, counts
from tests.transfer_files import (
    frame,
    lonlat_distance_m,
    rows,
    run,
    write_csv,
    write_vector,
    write_xlsx,
)

GEOD = Geod(ellps="WGS84")


def stored(session: Session, code: str) -> dict[str, Any]:
    """A parcel that must exist."""
    parcel = parcel_reads.select_parcel(session, code)
    assert parcel is not None, code
    return parcel


def side_m(outline: dict[str, Any]) -> float:
    """The mean side (m, on the ellipsoid) of a square outline."""
    return float(GEOD.geometry_length(shape(outline))) / 4


def test_square_around_has_its_side_and_centre() -> None:
    outline = square_around(*ORIGIN, 20)
    assert abs(side_m(outline) - 20) < 0.01
    centre = shape(outline).centroid
    assert lonlat_distance_m(centre, Point(ORIGIN)) < 0.01
    assert metres_outside(*ORIGIN, outline) == 0
    east = (ORIGIN[0] + 0.001, ORIGIN[1])  # about 88 m east of the centre
    assert 75 < metres_outside(*east, outline) < 80


def test_point_rows_update_existing_parcels_and_create_approximate_new_ones(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    inside = shape(stored(session, "IB-01")["geometry"]).representative_point()
    other = shape(stored(session, "IB-02")["geometry"])
    away = Point(other.bounds[2] + 0.001, other.centroid.y)  # about 88 m east of its outline
    new = Point(ORIGIN[0] + 0.01, ORIGIN[1])
    table = [
        {"编号": "IB-01", "名称": "", "类别": "", "阶段": "", "备注": "点位更新",
         "经度": inside.x, "纬度": inside.y},
        {"编号": "IB-02", "名称": "", "类别": "", "阶段": "", "备注": "点位偏了",
         "经度": away.x, "纬度": away.y},
        {"编号": "PT-1", "名称": "点位新楼", "类别": "闲置楼宇", "阶段": "闲置", "备注": "",
         "经度": new.x, "纬度": new.y},
    ]  # fmt: skip
    path = write_csv(tmp_path / "points.csv", table)
    outlines = {c: stored(session, c)["geometry"] for c in ("IB-01", "IB-02")}
    before = counts(session)

    dry = run(session, settings, path, dry_run=True)
    assert not dry.refused and counts(session) == before, dry.as_text()
    assert dry.created == [("PT-1", 4)] and [u.code for u in dry.updated] == ["IB-01", "IB-02"]
    assert all("geometry" not in {c.field for c in u.changes} for u in dry.updated)
    notes = {n.code: n.text for n in dry.notes}
    assert notes.keys() == {"PT-1", "IB-02"}
    assert notes["PT-1"].startswith("点位导入，按 20 m 方框")
    assert "在现有轮廓外" in notes["IB-02"] and "轮廓未改" in notes["IB-02"]
    assert "note PT-1 (row 4): 点位导入，按 20 m 方框" in dry.as_text()
    assert dry.as_dict()["notes"][0]["code"] in ("PT-1", "IB-02")

    report = run(session, settings, path)
    assert report.applied
    for code, outline in outlines.items():
        after = stored(session, code)
        assert after["geometry"] == outline, f"{code}: the outline is kept"
    assert stored(session, "IB-02")["note"] == "点位偏了"
    created = stored(session, "PT-1")
    assert abs(side_m(created["geometry"]) - 20) < 0.05
    assert lonlat_distance_m(shape(created["geometry"]).centroid, new) < 0.05
    again = run(session, settings, path)
    assert sorted(again.unchanged) == ["IB-01", "IB-02", "PT-1"] and not again.applied


def test_gaode_points_land_within_5_m_of_their_wgs84_truth(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    truth = [Point(ORIGIN[0] + 0.004 * i, ORIGIN[1] + 0.002) for i in range(3)]
    picks = [wgs84_to_gcj02(p.x, p.y) for p in truth]
    header = ["编号", "名称", "类别", "阶段", "经度", "纬度"]
    body = [[f"GD-{i}", f"高德点{i}", "闲置楼宇", "闲置", x, y] for i, (x, y) in enumerate(picks)]
    path = write_xlsx(tmp_path / "gaode.xlsx", header, body, sheet="高德取点")
    report = run(session, settings, path)
    assert report.applied and report.crs.gcj02 and "高德" in report.crs.reason, report.as_text()
    for i, point in enumerate(truth):
        centre = shape(stored(session, f"GD-{i}")["geometry"]).centroid
        assert lonlat_distance_m(centre, point) < 5
    assert lonlat_distance_m(Point(picks[0]), truth[0]) > 100  # the shift was real


def test_google_earth_placemarks_and_the_square_side_setting(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    points = [Point(ORIGIN[0] + 0.003 * i, ORIGIN[1] + 0.004) for i in range(2)]
    path = write_vector(tmp_path / "picks.kml", frame(rows(2, "KP"), points, 4326), "KML")
    wider = settings.model_copy(update={"import_point_square_m": 50.0})
    report = run(session, wider, path)
    assert report.applied and sorted(c for c, _ in report.created) == ["KP-1", "KP-2"]
    assert all("按 50 m 方框" in n.text for n in report.notes) and len(report.notes) == 2
    assert abs(side_m(stored(session, "KP-1")["geometry"]) - 50) < 0.1
