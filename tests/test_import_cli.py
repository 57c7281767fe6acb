"""`gis-service import|export` on a database of their own (they commit): a killed import, and
the issue's walkthrough (export the 台账, edit it, dry run, import, see the history and map)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine

from shapely.geometry import box

from gis_service import db
from gis_service.cli import main
from gis_service.loader import load_folder
from gis_service.main import create_app
from gis_service.settings import Settings
from tests.api_helpers import counts
from tests.conftest import SAMPLE_DIR, SAMPLE_LOADED_ON, fresh_database
from tests.transfer_files import frame, rows, write_vector


@pytest.fixture(scope="module")
def io_database() -> Iterator[tuple[Settings, Engine]]:
    """Settings and engine of a migrated database holding the sample data, for commands."""
    url = fresh_database("yatou_test_io")
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    engine = db.make_engine(settings)
    db.upgrade(engine, settings)
    with db.transaction(engine) as session:
        load_folder(session, SAMPLE_DIR, today=SAMPLE_LOADED_ON)
    yield settings, engine
    engine.dispose()


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
    col = {name: header.index(name) + 1 for name in header}
    edited = [ws.cell(r, 1).value for r in (2, 3, 4)]
    ws.cell(2, col["备注"]).value = "已与客商洽谈两次"
    ws.cell(3, col["责任人"]).value = "王某"
    ws.cell(4, col["意向业态/客商"]).value = "文创园区"
    new = [None] * len(header)
    new[col["编号"] - 1], new[col["名称"] - 1], new[col["阶段"] - 1] = (
        "IB-NEW",
        "新增闲置楼",
        "闲置",
    )
    new[col["完成时限"] - 1] = "9月底前"
    new[col["建筑面积(㎡)"] - 1], new[col["空置面积(㎡)"] - 1] = 3000, 3000
    new[col["几何(WKT)"] - 1] = box(122.62, 37.28, 122.621, 37.281).wkt
    ws.append(new)
    book.save(ledger)
    before = table_counts(engine)
    capsys.readouterr()

    assert main(["import", str(ledger), "--dry-run", "--year", "2021"]) == 0
    report = capsys.readouterr().out
    assert "to create: 1  to update: 3" in report and "dry run: nothing written" in report
    assert "note:" in report and "→" in report and "create IB-NEW" in report
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
        page = client.get("/map")
        assert page.status_code == 200 and "IB-NEW" in page.text
        history = client.get("/parcels/IB-NEW/history")
        assert "import:ledger.xlsx" in history.text
