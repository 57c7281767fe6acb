"""`gis-service import|export` on a database of their own (they commit): a killed import, and
the issue's walkthrough (export the 台账, edit it, dry run, import, see the history and map)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine

from shapely.geometry import Point, box

from gis_service import db
from gis_service.cli import main
from gis_service.main import create_app
from gis_service.settings import Settings
from gis_service.transfer.columns import header_of
from gis_service.transfer.ledger import sheet_fields
from tests.api_helpers import counts
from tests.transfer_files import frame, projected, rows, write_csv, write_vector


@pytest.fixture
def url(io_database: tuple[Settings, Engine], monkeypatch: pytest.MonkeyPatch) -> str:
    """The database's URL, set as DATABASE_URL for commands run in this process."""
    monkeypatch.setenv("DATABASE_URL", str(io_database[0].database_url))
    return str(io_database[0].database_url)


def table_counts(engine: Engine) -> tuple[int, ...]:
    """Row counts read in a transaction of their own."""
    with db.transaction(engine) as session:
        return counts(session)


def test_a_killed_import_leaves_the_database_as_it_was(
    io_database: tuple[Settings, Engine], tmp_path: Path, url: str
) -> None:
    corners = [(122.58 + 0.0015 * (i % 40), 37.25 + 0.0015 * (i // 40)) for i in range(120)]
    cells = [box(x, y, x + 0.001, y + 0.001) for x, y in corners]
    path = write_vector(tmp_path / "big.gpkg", frame(rows(120, "KILL"), cells, 4326), "GPKG")
    before = table_counts(io_database[1])
    process = subprocess.Popen(
        [sys.executable, "-m", "gis_service.cli", "import", str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=os.environ | {"DATABASE_URL": url},
    )  # fmt: skip
    assert process.stderr is not None
    line = process.stderr.readline()  # the first quarter's progress: a quarter is written
    assert line.startswith("import: 30/120"), line + process.communicate()[1]
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert table_counts(io_database[1]) == before


def test_done_when_export_edit_dry_run_import_history_and_map(
    io_database: tuple[Settings, Engine],
    tmp_path: Path,
    url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings, engine = io_database
    ledger = tmp_path / "ledger.xlsx"
    assert main(["export", "--format", "xlsx", "--out", str(ledger)]) == 0
    book = load_workbook(ledger)
    ws = book["闲置楼宇"]
    header = [c.value for c in ws[1]]
    col = {name: header.index(header_of(name)) + 1 for name in sheet_fields("idle_building")}
    col["wkt"] = len(header)
    edited = [ws.cell(r, 1).value for r in (2, 3, 4)]
    edits = {
        edited[0]: ("note", "已与客商洽谈两次"),
        edited[1]: ("responsible_person", "王某"),
        edited[2]: ("intended_tenant", "文创园区"),
    }
    old = {}
    for r, code in enumerate(edited, start=2):
        field, value = edits[code]
        old[code] = ws.cell(r, col[field]).value
        ws.cell(r, col[field]).value = value
    new = [None] * len(header)
    new[col["code"] - 1], new[col["name"] - 1], new[col["stage"] - 1] = (
        "IB-NEW",
        "新增闲置楼",
        "闲置",
    )
    new[col["deadline"] - 1] = "9月底前"
    new[col["floor_area_m2"] - 1], new[col["vacant_area_m2"] - 1] = 3000, 3000
    new[col["wkt"] - 1] = box(122.62, 37.28, 122.621, 37.281).wkt
    ws.append(new)
    book.save(ledger)
    before = table_counts(engine)
    capsys.readouterr()

    assert main(["import", str(ledger), "--dry-run", "--year", "2021"]) == 0
    report = capsys.readouterr().out
    assert "to create: 1  to update: 3" in report and "dry run: nothing written" in report
    assert "create IB-NEW" in report
    changes = changes_by_code(report)
    assert changes.keys() == set(edited), report
    for r, code in enumerate(edited, start=2):
        field, value = edits[code]
        (line,) = changes[code]  # exactly the one field changed, old → new
        shown_old = "null" if old[code] is None else f'"{str(old[code])[:20]}'
        assert line.startswith(f"{field}: {shown_old}"), line
        assert line.endswith(f'→ "{value}"'), line
        assert f"update {code} (row {r})" in report
    assert table_counts(engine) == before

    assert main(["import", str(ledger), "--year", "2021"]) == 0
    assert "written in one transaction" in capsys.readouterr().out
    assert main(["import", str(ledger), "--year", "2021"]) == 0
    assert "to create: 0  to update: 0" in capsys.readouterr().out

    app = create_app(settings)
    with TestClient(app) as client:
        for code in [*edited, "IB-NEW"]:
            events = client.get(f"/api/parcels/{code}/history").json()["events"]
            assert events[0]["actor"] == "import:ledger.xlsx", code
        created = client.get("/api/parcels/IB-NEW").json()["properties"]
        assert created["deadline"] == "2021-09-30"
        listed = client.get("/api/parcels", params={"category": "idle_building", "limit": 1000})
        by_code = {f["properties"]["code"]: f["properties"] for f in listed.json()["features"]}
        for code, (field, value) in edits.items():
            assert by_code[code][field] == value, code
        assert by_code["IB-NEW"]["name"] == "新增闲置楼"
        page = client.get("/map")
        assert page.status_code == 200 and "IB-NEW" in page.text
        for code, (_, value) in [*edits.items(), ("IB-NEW", (None, "新增闲置楼"))]:
            history = client.get(f"/parcels/{code}/history")
            assert history.status_code == 200 and "import:ledger.xlsx" in history.text, code
            assert value in history.text, code


def changes_by_code(report: str) -> dict[str, list[str]]:
    """The CLI report's field lines under each `update CODE (row N)` line."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in report.splitlines():
        if line.startswith("  update "):
            current = found.setdefault(line.split()[1], [])
        elif line.startswith("    ") and current is not None:
            current.append(line.strip())
        else:
            current = None
    return found


def test_the_import_options_reach_the_report(
    io_database: tuple[Settings, Engine],
    tmp_path: Path,
    url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    truth = [box(122.625, 37.283, 122.626, 37.284)]
    table = [r | {"category": "", "WKT": p.wkt} for r, p in zip(rows(1, "OPT"), truth, strict=True)]
    path = write_csv(tmp_path / "gk.csv", [table[0] | {"WKT": projected(truth, 4550)[0].wkt}])
    before = table_counts(io_database[1])
    capsys.readouterr()
    argv = ["import", str(path), "--dry-run", "--crs", "EPSG:4550", "--gcj02", "--category",
            "idle_building", "--effective-date", "2021-03-01", "--year", "2021"]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "coordinates: EPSG:4550 (--crs EPSG:4550 given; --gcj02" in out, out
    assert "to create: 1" in out and "create OPT-1 (row 2)" in out
    assert main(["import", str(path), "--dry-run", "--effective-date", "2999-01-01"]) == 1
    assert "effective_date 2999-01-01 is in the future" in capsys.readouterr().err
    assert table_counts(io_database[1]) == before


def test_a_table_given_to_the_bulk_path_goes_row_by_row(
    io_database: tuple[Settings, Engine],
    tmp_path: Path,
    url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    table = [{"编号": "LL-1", "名称": "经纬度楼", "类别": "闲置楼宇", "阶段": "闲置",
              "经度": 122.6255, "纬度": 37.2835}]  # fmt: skip
    path = write_csv(tmp_path / "lonlat.csv", table)
    before = table_counts(io_database[1])
    capsys.readouterr()
    assert main(["import", str(path), "--bulk", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "lonlat.csv: a table (CSV, XLSX, XLS, ODS) goes row by row, not --bulk" in out
    assert "create LL-1 (row 2)" in out and "点位导入，按 20 m 方框" in out, out
    assert table_counts(io_database[1]) == before


def test_the_bulk_cli_names_its_squares_and_step_times(
    io_database: tuple[Settings, Engine],
    tmp_path: Path,
    url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    points = [Point(122.6255 + 0.002 * i, 37.2835) for i in range(2)]
    path = write_vector(tmp_path / "pts.gpkg", frame(rows(2, "CP"), points, 4326), "GPKG")
    before = table_counts(io_database[1])
    capsys.readouterr()
    assert main(["import", str(path), "--bulk", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "point rows given a 20 m square outline (approximate): 1, 2" in out, out
    assert "dry run: would create 2 parcels" in out and "seconds: read " in out
    assert table_counts(io_database[1]) == before
