"""Exports: every format goes back in unchanged; the XLSX 台账 matches /api/parcels, /api/kpis."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import text
from sqlalchemy.orm import Session

from gis_service.rules.levels import LEVEL_COLOURS, LEVEL_LABELS_ZH, Level
from gis_service.rules.stages import CATEGORIES, CATEGORY_LABELS_ZH, STAGE_LABELS_ZH
from gis_service.settings import Settings
from gis_service.transfer.columns import header_of
from gis_service.transfer.ledger import sheet_fields
from tests.api_helpers import app_client, bearer, counts, tokens
from tests.transfer_files import frame, rows, run, squares, write_vector

__all__ = ["tokens"]  # the fixture, imported for the tests below

AS_OF = "2021-09-30"
SUFFIX = {"shp": "zip"}


def exported(client: TestClient, fmt: str, **query: str) -> bytes:
    """An export's bytes, checked for status and download name."""
    response = client.get("/api/export", params={"format": fmt} | query)
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    return response.content


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp", "kml", "csv", "xlsx"])
def test_round_trip_changes_nothing(
    client: TestClient, session: Session, settings: Settings, tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / f"parcels.{SUFFIX.get(fmt, fmt)}"
    path.write_bytes(exported(client, fmt))
    before = counts(session)
    report = run(session, settings, path)
    assert not report.refused and not report.created and not report.updated, report.as_text()
    assert len(report.unchanged) == report.rows_read == 201
    assert counts(session) == before


def test_shapefile_zip_has_prj_and_cpg_and_short_names(client: TestClient) -> None:
    with zipfile.ZipFile(io.BytesIO(exported(client, "shp"))) as bundle:
        names = sorted(bundle.namelist())
        assert names == [f"parcels.{s}" for s in ("cpg", "dbf", "prj", "shp", "shx")]
        assert bundle.read("parcels.cpg").strip() == b"UTF-8"
        assert b"WGS" in bundle.read("parcels.prj")


def test_filters_apply_to_exports(client: TestClient) -> None:
    collection = client.get(
        "/api/export", params={"format": "geojson", "category": "idle_building"}
    ).json()
    assert collection["features"]
    assert {f["properties"]["category"] for f in collection["features"]} == {"idle_building"}
    bad = client.get("/api/export", params={"format": "dwg"})
    assert bad.status_code == 422 and bad.json()["field"] == "format"


def cell_value(field: str, value: Any, category: str) -> Any:
    """What the 台账 must hold for a property of /api/parcels."""
    if value is None:
        return None
    if field == "stage":
        return STAGE_LABELS_ZH[category][value]
    if field == "level":
        return LEVEL_LABELS_ZH[Level(value)]
    if field in ("start_date", "deadline", "completed_on", "committee_formed_on"):
        return datetime.combine(date.fromisoformat(value), datetime.min.time())
    if field == "plan_targets":
        return ",".join(value) or None
    return value


def test_xlsx_matches_the_api_cell_by_cell(client: TestClient) -> None:
    book = load_workbook(io.BytesIO(exported(client, "xlsx", as_of=AS_OF)))
    parcels = client.get("/api/parcels", params={"as_of": AS_OF, "limit": 10000}).json()
    by_code = {f["properties"]["code"]: f["properties"] for f in parcels["features"]}
    seen = 0
    for category in CATEGORIES:
        ws = book[CATEGORY_LABELS_ZH[category]]
        fields = sheet_fields(category)
        header = [c.value for c in ws[1]]
        assert header == [header_of(f) for f in fields] + ["几何(WKT)"]
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
        for row in ws.iter_rows(min_row=2):
            props = by_code[row[0].value]
            assert props["category"] == category
            for field, cell in zip(fields, row, strict=False):
                assert cell.value == cell_value(field, props.get(field), category), (field, cell)
            level_cell = row[fields.index("level")]
            assert (
                level_cell.fill.fgColor.rgb[-6:].lower() == LEVEL_COLOURS[Level(props["level"])][1:]
            )
            seen += 1
    assert seen == len(by_code)
    kpis = client.get("/api/kpis", params={"as_of": AS_OF}).json()["kpis"]
    sheet = book["指标"]
    assert [c.value for c in sheet[1]][:6] == ["指标", "单位", "目标", "实际", "完成率(%)", "等级"]
    rows = sheet.iter_rows(min_row=2, max_row=len(kpis) + 1)  # a row per KPI, then the date
    for kpi, row in zip(kpis, rows, strict=True):
        assert [c.value for c in row[:4]] == [
            kpi["title_zh"],
            kpi["unit"],
            kpi["target"],
            kpi["actual"],
        ]
        if kpi["target"]:
            assert row[4].value == round(100 * kpi["actual"] / kpi["target"], 1)
        assert row[5].value == LEVEL_LABELS_ZH[Level(kpi["level"])]
    date_cell = book["闲置楼宇"].cell(2, sheet_fields("idle_building").index("deadline") + 1)
    assert date_cell.is_date and date_cell.number_format == "yyyy-mm-dd"


def test_upload_import_dry_run_then_apply(
    client: TestClient,
    session: Session,
    tokens: dict[str, str],
    tmp_path: Path,
) -> None:
    path = write_vector(tmp_path / "new.gpkg", frame(rows(2), squares(2), 4326), "GPKG")
    files = {"file": ("new.gpkg", path.read_bytes())}
    before = counts(session)
    dry = client.post("/api/imports", files=files, headers=bearer(tokens["planner"]))
    assert dry.status_code == 200, dry.text
    assert dry.json()["counts"]["create"] == 2 and not dry.json()["applied"]
    assert counts(session) == before
    applied = client.post("/api/imports", params={"dry_run": "false"}, files=files,
                          headers=bearer(tokens["planner"]))  # fmt: skip
    assert applied.json()["applied"] is True
    history = client.get("/api/parcels/IMP-1/history").json()
    assert history
    anonymous = client.post("/api/imports", files=files)
    assert anonymous.status_code == 401


def test_uploads_over_the_size_setting_get_413(
    settings: Settings,
    session: Session,
    tokens: dict[str, str],
) -> None:
    with app_client(settings, session, max_body_bytes=1000) as client:
        files = {"file": ("big.csv", b"x" * 5000)}
        response = client.post("/api/imports", files=files, headers=bearer(tokens["planner"]))
    assert response.status_code == 413 and response.json()["field"] == "file"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formula_like_text_stays_text_and_round_trips(
    client: TestClient, session: Session, settings: Settings, tmp_path: Path, fmt: str
) -> None:
    payload = '=HYPERLINK("http://example.invalid","x")'
    session.execute(text("UPDATE parcel SET note = :note WHERE code = 'IB-01'"), {"note": payload})
    data = exported(client, fmt, category="idle_building")
    if fmt == "xlsx":
        ws = load_workbook(io.BytesIO(data))["闲置楼宇"]
        notes = [c for (c,) in ws.iter_rows(min_col=sheet_fields("idle_building").index("note") + 1,
                                            max_col=sheet_fields("idle_building").index("note") + 1)
                 if c.value == payload]  # fmt: skip
        assert notes and all(c.data_type == "s" for c in notes)
    else:
        assert "'" + payload.replace('"', '""') in data.decode("utf-8-sig")
    path = tmp_path / f"f.{fmt}"
    path.write_bytes(data)
    report = run(session, settings, path)
    assert not report.updated and not report.refused, report.as_text()
