"""Issue 14: the weekly (2021-W26) and monthly (2021-06) reports of the sample, checked against
the API (/api/kpis, /api/parcels), the change log, and in their PDF, XLSX and PNG forms."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from playwright.sync_api import Browser
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from gis_service.reports.build import build_report
from gis_service.reports.model import LEVEL_SHORT_ZH, number, percent
from gis_service.reports.report_html import render_report_html
from gis_service.reports.report_service import make_report
from gis_service.reports.xlsx import write_report_xlsx
from gis_service.rules.levels import Level
from gis_service.rules.periods import parse_period, period_containing
from gis_service.settings import Settings
from tests.api_helpers import bearer, tokens
from tests.browser import ARTIFACTS, Recorder
from tests.conftest import running_server

__all__ = ["tokens"]  # the fixture, imported for the tests below

WEEK = parse_period("weekly", "2021-W26")  # 2021-06-28 … 2021-07-04
MONTH = parse_period("monthly", "2021-06")  # as of 2021-06-30
PERIODS = {"weekly-2021-W26": WEEK, "monthly-2021-06": MONTH}


@pytest.fixture(scope="module")
def folder(engine: Engine, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both reports of the sample, written once for the module (nothing is committed)."""
    out = tmp_path_factory.mktemp("reports")
    with Session(engine) as session:
        for period in PERIODS.values():
            make_report(session, settings, period, folder=out)
        session.rollback()
    return out


@pytest.fixture(scope="module")
def pdf_text(folder: Path) -> dict[str, str]:
    """pdftotext -layout of each report's PDF."""
    return {
        stem: subprocess.run(
            ["pdftotext", "-layout", str(folder / f"{stem}.pdf"), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for stem in PERIODS
    }


def _api_kpis(client: TestClient, day: str) -> list[dict[str, Any]]:
    """The KPIs the API answers for a day."""
    response = client.get("/api/kpis", params={"as_of": day})
    assert response.status_code == 200
    kpis: list[dict[str, Any]] = response.json()["kpis"]
    return kpis


def _sheet(folder: Path, stem: str, name: str) -> list[tuple[Any, ...]]:
    """All rows (header first) of one sheet of a report's workbook."""
    workbook = load_workbook(folder / f"{stem}.xlsx")
    return [tuple(row) for row in workbook[name].iter_rows(values_only=True)]


@pytest.mark.parametrize("stem", sorted(PERIODS))
def test_three_files_are_written(folder: Path, stem: str) -> None:
    assert (folder / f"{stem}.pdf").read_bytes().startswith(b"%PDF-")
    assert (folder / f"{stem}.xlsx").read_bytes().startswith(b"PK")
    html = (folder / f"{stem}.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "data:image/png;base64," in html
    assert "http://" not in html and "https://" not in html  # nothing fetched from elsewhere


@pytest.mark.parametrize("stem", sorted(PERIODS))
def test_pdf_holds_every_kpi_of_the_api(
    client: TestClient, pdf_text: dict[str, str], stem: str
) -> None:
    lines = pdf_text[stem].splitlines()
    for kpi in _api_kpis(client, PERIODS[stem].end.isoformat()):
        row = next(line.split() for line in lines if line.split()[:1] == [kpi["id"]])
        expected = [
            str(kpi["target"]),
            str(kpi["actual"]),
            str(percent(kpi["actual"], kpi["target"])),
            LEVEL_SHORT_ZH[Level(kpi["level"])],
        ]
        assert any(row[i : i + 4] == expected for i in range(len(row))), (kpi, row)
        assert kpi["deadline"] in row


@pytest.mark.parametrize("stem", sorted(PERIODS))
def test_pdf_is_a4_with_page_numbers_date_and_embedded_cjk_font(
    folder: Path, pdf_text: dict[str, str], stem: str
) -> None:
    pdf = folder / f"{stem}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    assert "(A4)" in info.stdout
    pages = int(
        next(line.split()[1] for line in info.stdout.splitlines() if line.startswith("Pages:"))
    )
    text_ = pdf_text[stem]
    for page in range(1, pages + 1):
        assert f"第{page}页/共{pages}页" in text_.replace(" ", "")
    assert f"数据截至 {PERIODS[stem].end.isoformat()}" in text_
    assert "示意数据" in text_
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True)
    cjk = [line for line in fonts.stdout.splitlines() if "WenQuanYi" in line]
    assert cjk and all(" yes yes yes " in line for line in cjk)  # embedded, subset, unicode


def test_supervision_lists_exactly_the_overdue_and_orange_parcels_by_unit(
    client: TestClient, folder: Path, pdf_text: dict[str, str]
) -> None:
    day = WEEK.end.isoformat()
    response = client.get(
        "/api/parcels", params={"as_of": day, "level": "red,orange", "limit": 10000}
    )
    assert response.status_code == 200
    expected = {
        (
            f["properties"]["responsible_unit"],
            f["properties"]["code"],
            LEVEL_SHORT_ZH[Level(f["properties"]["level"])],
            f["properties"]["responsible_person"],
        )
        for f in response.json()["features"]
    }
    rows = _sheet(folder, "weekly-2021-W26", "督办单")
    assert rows[0][:6] == ("责任单位", "编号", "名称", "等级", "责任人", "逾期天数")
    assert {(r[0], r[1], r[3], r[4]) for r in rows[1:]} == expected
    assert len(rows) - 1 == len(expected)
    red = {code for _, code, level, _ in expected if level == "红"}
    overdue = _sheet(folder, "weekly-2021-W26", "当前逾期")
    assert {r[0] for r in overdue[1:]} == red and len(red) > 0
    # Grouped: each unit's heading, with its count, precedes its parcels in the PDF.
    flat = pdf_text["weekly-2021-W26"].replace(" ", "")
    for unit in {u for u, *_ in expected}:
        size = sum(1 for u, *_ in expected if u == unit)
        assert f"责任单位：{unit}（{size}项）" in flat


def test_supervision_days_overdue_and_time_in_level(folder: Path) -> None:
    rows = _sheet(folder, "weekly-2021-W26", "督办单")[1:]
    by_code = {r[1]: r for r in rows}
    # KP-07's deadline was 2021-06-30: 4 days overdue on 07-04, red since 07-01 (4 days).
    assert by_code["KP-07"][5:8] == (4, 4, "2021-07-01")
    for row in rows:
        assert row[6] >= 1 and (row[3] != "红" or row[5] >= 1)


def test_change_list_equals_the_events_of_the_week(session: Session, folder: Path) -> None:
    events = session.execute(
        text(
            "SELECT effective_date, code, action, field FROM parcel_event "
            "WHERE effective_date BETWEEN :start AND :end"
        ),
        {"start": WEEK.start, "end": WEEK.end},
    ).all()
    expected = sorted(
        {(e.effective_date.isoformat(), e.code, "新增") for e in events if e.action == "create"}
        | {(e.effective_date.isoformat(), e.code, e.field) for e in events if e.action != "create"}
    )
    assert len(expected) > 0
    rows = _sheet(folder, "weekly-2021-W26", "本周变化")
    from gis_service.ogc.html import label

    labels = {label(e.field): e.field for e in events if e.field}
    got = sorted((r[0], r[1], "新增" if r[3] == "新增" else labels[r[4]]) for r in rows[1:])
    assert got == expected
    assert {r[7] for r in rows[1:]} == {"sample-data"}  # who made each change


def test_xlsx_kpi_sheet_cell_by_cell(client: TestClient, folder: Path) -> None:
    rows = _sheet(folder, "weekly-2021-W26", "计划指标完成情况")
    assert rows[0] == (
        "编号",
        "指标",
        "单位",
        "目标",
        "实际",
        "完成率(%)",
        "等级",
        "较上周",
        "期限",
        "说明",
    )
    now = _api_kpis(client, WEEK.end.isoformat())
    before = {k["id"]: k for k in _api_kpis(client, WEEK.previous.end.isoformat())}
    assert len(rows) - 1 == len(now)
    for row, kpi in zip(rows[1:], now, strict=True):
        delta = number(kpi["actual"] - before[kpi["id"]]["actual"])
        change = "持平" if delta == 0 else (f"↑{delta}" if delta > 0 else f"↓{-delta}")
        assert row == (
            kpi["id"],
            kpi["title_zh"],
            kpi["unit"],
            kpi["target"],
            kpi["actual"],
            percent(kpi["actual"], kpi["target"]),
            LEVEL_SHORT_ZH[Level(kpi["level"])],
            change,
            kpi["deadline"],
            kpi["detail_zh"],
        )


def test_xlsx_has_a_sheet_per_section_with_frozen_headers(folder: Path) -> None:
    weekly = load_workbook(folder / "weekly-2021-W26.xlsx")
    assert weekly.sheetnames == [
        "概况",
        "计划指标完成情况",
        "本周变化",
        "未来14天到期",
        "当前逾期",
        "督办单",
        "每周完成数",
    ]
    monthly = load_workbook(folder / "monthly-2021-06.xlsx")
    assert "5月底红橙事项去向" in monthly.sheetnames and "对照计划节点目标" in monthly.sheetnames
    for sheet in [*weekly.worksheets, *monthly.worksheets]:
        assert sheet.freeze_panes == "A2", sheet.title
    overview = dict(_sheet(folder, "weekly-2021-W26", "概况")[1:])
    assert overview["数据截至"] == "2021-07-04" and overview["数据性质"] == "示意数据"


def test_monthly_dated_targets_and_lookback(client: TestClient, folder: Path) -> None:
    rows = {r[0]: r for r in _sheet(folder, "monthly-2021-06", "对照计划节点目标")[1:]}
    june = {k["id"]: k for k in _api_kpis(client, "2021-06-30")}
    # T2: 32 by 6月底, 26 done; T3a: 40 by 6月底, 43 formed.
    assert rows["T2"][2:8] == (
        "2021-06-30",
        32,
        june["T2"]["actual"],
        percent(26, 32),
        26,
        "未达标",
    )
    assert rows["T3a"][2:5] == ("2021-06-30", 40, june["T3a"]["actual"])
    assert rows["T3a"][7] == "达标" and rows["T4"][7] == "进行中"
    # T1a's deadline 2021-02-28: measured on that day (9 of 11), not now.
    feb = {k["id"]: k for k in _api_kpis(client, "2021-02-28")}
    assert rows["T1a"][4] == feb["T1a"]["actual"] == 9
    may = client.get(
        "/api/parcels", params={"as_of": "2021-05-31", "level": "red,orange", "limit": 10000}
    )
    pressed = {f["properties"]["code"] for f in may.json()["features"]}
    lookback = _sheet(folder, "monthly-2021-06", "5月底红橙事项去向")[1:]
    assert {r[0] for r in lookback} == pressed and len(pressed) > 0
    assert {r[7] for r in lookback} <= {"已完成", "已好转", "仍未解决", "恶化", "已删除"}


def test_pages_rendered_to_png(folder: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for stem in PERIODS:
        prefix = ARTIFACTS / f"report-{stem}"
        subprocess.run(
            ["pdftoppm", "-r", "70", "-png", str(folder / f"{stem}.pdf"), str(prefix)], check=True
        )
        first = sorted(ARTIFACTS.glob(f"report-{stem}-*1.png"))[0]
        header = first.read_bytes()[:24]
        width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
        assert header.startswith(b"\x89PNG") and abs(height / width - 297 / 210) < 0.01


def test_a_later_edit_does_not_change_a_past_report(
    client: TestClient, session: Session, settings: Settings, tokens: dict[str, str]
) -> None:
    before = build_report(session, settings, WEEK)
    code = before.section("overdue").rows[0][0]
    parcel = client.get(f"/api/parcels/{code}").json()["properties"]
    response = client.patch(
        f"/api/parcels/{code}",
        json={
            "properties": {
                "progress": 100,
                "completed_on": "2021-12-30",
                "responsible_unit": "后来的单位",
            }
        },
        headers=bearer(tokens["planner"]) | {"If-Match": f'"v{parcel["version"]}"'},
        params={"effective_date": "2021-12-30"},
    )
    assert response.status_code == 200, response.text
    after = build_report(session, settings, WEEK)
    assert after.sections == before.sections
    assert [f.png for f in after.figures] == [f.png for f in before.figures]
    later = build_report(session, settings, parse_period("weekly", "2021-W52"))
    assert code not in {r[0] for r in later.section("overdue").rows}  # the edit is seen later


@pytest.mark.browser
def test_the_page_and_the_html_report_in_a_browser(
    folder: Path, settings: Settings, browser: Browser
) -> None:
    listed = settings.model_copy(update={"reports_dir": folder})
    ARTIFACTS.mkdir(exist_ok=True)
    with running_server(listed) as base:
        page = browser.new_page(viewport={"width": 1100, "height": 800})
        seen = Recorder(page)
        page.goto(f"{base}/reports")
        rows = page.locator("#reports tbody tr")
        assert rows.count() == 2
        assert rows.first.inner_text().startswith("周调度")
        page.screenshot(path=str(ARTIFACTS / "reports-page.png"), full_page=True)
        page.goto(f"{base}/reports/files/weekly-2021-W26.html")
        assert page.locator("h1").inner_text() == "崖头街道城市更新周调度报告（2021年第26周）"
        assert page.locator("figure img").count() == 2
        page.screenshot(path=str(ARTIFACTS / "report-weekly-2021-W26-html.png"))
        assert seen.errors == []
        assert all(url.startswith(base) or url.startswith("data:") for url in seen.requests)


def test_stored_text_stays_text_in_html_and_xlsx(
    client: TestClient, session: Session, settings: Settings, tokens: dict[str, str], tmp_path: Path
) -> None:
    hostile = '=HYPERLINK("http://x","y")<script>alert(1)</script>'
    body = {
        "type": "Feature",
        "properties": {"code": "IB-X1", "name": hostile, "category": "idle_building",
                       "stage": "idle", "progress": 0, "responsible_unit": "=1+1"},
        "geometry": {"type": "Polygon", "coordinates": [[[122.6, 37.27], [122.601, 37.27],
                     [122.601, 37.271], [122.6, 37.271], [122.6, 37.27]]]},
    }  # fmt: skip
    response = client.post("/api/parcels", json=body, headers=bearer(tokens["planner"]))
    assert response.status_code == 201, response.text
    day = date.fromisoformat(response.json()["properties"]["updated_at"][:10])
    report = build_report(session, settings, period_containing("weekly", day))
    assert hostile in {row[2] for row in report.section("changes").rows}
    html = render_report_html(report)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)" in html
    write_report_xlsx(report, tmp_path / "r.xlsx")
    cells = [
        cell
        for sheet in load_workbook(tmp_path / "r.xlsx").worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]
    assert hostile in [c.value for c in cells]
    assert all(c.data_type != "f" for c in cells)
