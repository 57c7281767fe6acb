"""/reports, /api/reports and /reports/files: listing, making one (planners and admins), files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gis_service.settings import Settings
from tests.api_helpers import bearer, tokens

__all__ = ["tokens"]  # the fixture, imported for the tests below

URL = "/api/reports"


@pytest.fixture
def reports_dir(settings: Settings, tmp_path: Path) -> Iterator[Path]:
    """The app's reports folder pointed at an empty temporary one for one test."""
    saved = settings.reports_dir
    settings.reports_dir = tmp_path
    try:
        yield tmp_path
    finally:
        settings.reports_dir = saved


def test_a_planner_makes_a_report_that_is_then_listed_and_served(
    client: TestClient, tokens: dict[str, str], reports_dir: Path
) -> None:
    body = {"kind": "weekly", "period": "2021-W26"}
    response = client.post(URL, json=body, headers=bearer(tokens["planner"]))
    assert response.status_code == 201, response.text
    files = {ext: f"/reports/files/weekly-2021-W26.{ext}" for ext in ("pdf", "xlsx", "html")}
    assert response.json() == {"kind": "weekly", "period": "2021-W26", "files": files}
    assert sorted(p.name for p in reports_dir.iterdir()) == [
        "weekly-2021-W26.html", "weekly-2021-W26.pdf", "weekly-2021-W26.xlsx"
    ]  # fmt: skip
    assert client.get(URL).json() == {"reports": [response.json()]}
    pdf = client.get(files["pdf"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    page = client.get("/reports")
    assert page.status_code == 200 and 'href="/reports/files/weekly-2021-W26.xlsx"' in page.text


@pytest.mark.parametrize("role, status", [(None, 401), ("viewer", 403), ("investment", 403)])
def test_only_planners_and_admins_make_reports(
    client: TestClient, tokens: dict[str, str], reports_dir: Path, role: str | None, status: int
) -> None:
    headers = bearer(tokens[role]) if role else {}
    response = client.post(URL, json={"kind": "monthly", "period": "2021-06"}, headers=headers)
    assert response.status_code == status
    assert list(reports_dir.iterdir()) == []


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "weekly", "period": "2021-06"}, "period"),
        ({"kind": "weekly", "period": "2021-W54"}, "period"),
        ({"kind": "monthly", "period": "2021-13"}, "period"),
        ({"kind": "monthly", "period": "2021-06-30"}, "period"),
        ({"kind": "daily", "period": "2021-06"}, "kind"),
    ],
)
def test_a_bad_period_is_refused_naming_the_field(
    client: TestClient, tokens: dict[str, str], reports_dir: Path, body: dict[str, str], field: str
) -> None:
    response = client.post(URL, json=body, headers=bearer(tokens["admin"]))
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert list(reports_dir.iterdir()) == []


@pytest.mark.parametrize(
    "name", ["weekly-2021-W26.pdf", "..%2Fpyproject.toml", "weekly-2021-W26.exe", "x.pdf"]
)
def test_unknown_or_foreign_files_are_404(client: TestClient, reports_dir: Path, name: str) -> None:
    (reports_dir.parent / "pyproject.toml").write_text("secret", encoding="utf-8")
    response = client.get(f"/reports/files/{name}")
    assert response.status_code == 404
    assert "secret" not in response.text


def test_the_page_lists_nothing_yet(client: TestClient, reports_dir: Path) -> None:
    page = client.get("/reports")
    assert page.status_code == 200
    assert "尚无报告" in page.text and 'src="/static/js/reports.js"' in page.text
