"""Against a real server (uvicorn in a thread, its own connections, a database of its own):
two writers with the same ETag, and issue #4's "done when" scenario on 上城国际."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from gis_service.rules.history import fold_changes
from gis_service.rules.roles import ROLES
from tests.api_helpers import bearer, feature
from tests.conftest import SAMPLE_DIR, migrated_database, running_server

# The sample data as it stood on this day: 上城国际 was still idle (its history moves it to
# negotiating on 2021-03-15).
CUTOFF = "2021-03-01"


@dataclass(frozen=True)
class Server:
    """A running server's base URL and a token per role."""

    url: str
    tokens: dict[str, str]


def sample_as_of(folder: Path, cutoff: str) -> None:
    """Write the sample files into a folder with every history cut after a day."""
    (folder / "communities.geojson").write_bytes((SAMPLE_DIR / "communities.geojson").read_bytes())
    collection = json.loads((SAMPLE_DIR / "parcels.geojson").read_text(encoding="utf-8"))
    kept = []
    for item in collection["features"]:
        history = [h for h in item["properties"]["history"] if h["effective_date"] <= cutoff]
        if history:
            item["properties"] = fold_changes(history) | {"history": history}
            kept.append(item)
    collection["features"] = kept
    (folder / "parcels.geojson").write_text(json.dumps(collection, ensure_ascii=False), "utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real server on a database of its own, and a token per role."""
    folder = tmp_path_factory.mktemp("sample")
    sample_as_of(folder, CUTOFF)
    database = migrated_database(
        "yatou_test_api", sample=folder, loaded_on=date.fromisoformat(CUTOFF), roles=ROLES
    )
    with running_server(database.settings) as url:
        yield Server(url=url, tokens=database.tokens)


def patch(server: Server, role: str, code: str, body: Any, etag: str) -> httpx.Response:
    """PATCH over HTTP with a role's token and an If-Match."""
    headers = bearer(server.tokens[role]) | {"If-Match": etag}
    return httpx.patch(f"{server.url}/api/parcels/{code}", json=body, headers=headers, timeout=30)


def race(server: Server, etag: str, values: tuple[int, int]) -> dict[int, httpx.Response]:
    """Two threads PATCH progress to their value at the same moment, with the same ETag."""
    barrier = threading.Barrier(len(values))
    answers: dict[int, httpx.Response] = {}

    def write(progress: int) -> None:
        barrier.wait()
        body = {"properties": {"progress": progress}}
        answers[progress] = patch(server, "planner", "IB-RACE", body, etag)

    writers = [threading.Thread(target=write, args=(value,)) for value in values]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=60)
    return answers


def test_two_writers_with_one_etag_one_wins_one_gets_412(server: Server) -> None:
    created = httpx.post(
        f"{server.url}/api/parcels",
        json=feature("IB-RACE"),
        headers=bearer(server.tokens["planner"]),
        timeout=30,
    )
    assert created.status_code == 201, created.text
    etag = created.headers["ETag"]
    for round_ in range(5):
        answers = race(server, etag, (10 * round_ + 1, 10 * round_ + 2))
        statuses = sorted(answer.status_code for answer in answers.values())
        assert statuses == [200, 412], [a.text for a in answers.values()]
        winner = next(p for p, a in answers.items() if a.status_code == 200)
        loser = next(a for a in answers.values() if a.status_code == 412)
        assert loser.json()["current_version"] == round_ + 2
        etag = answers[winner].headers["ETag"]
        current = httpx.get(f"{server.url}/api/parcels/IB-RACE", timeout=30).json()
        assert current["properties"]["progress"] == winner
    history = httpx.get(f"{server.url}/api/parcels/IB-RACE/history", timeout=30).json()["events"]
    updates = [e for e in history if e["action"] == "update"]
    # Exactly one change per round: the loser's write left nothing behind.
    assert len(updates) == 5 and [e["version"] for e in updates] == [6, 5, 4, 3, 2]
    assert all(e["field"] == "progress" for e in updates)


def test_done_when_investment_moves_shangcheng_to_negotiating(server: Server) -> None:
    found = httpx.get(f"{server.url}/api/parcels", params={"q": "上城国际"}, timeout=30).json()
    assert found["numberMatched"] == 1
    code = found["features"][0]["id"]
    read = httpx.get(f"{server.url}/api/parcels/{code}", timeout=30)
    assert read.json()["properties"]["stage"] == "idle"
    etag = read.headers["ETag"]

    moved = patch(server, "investment", code, {"properties": {"stage": "negotiating"}}, etag)
    assert moved.status_code == 200, moved.text
    assert moved.json()["properties"]["stage"] == "negotiating"
    assert moved.headers["ETag"] != etag

    events = httpx.get(f"{server.url}/api/parcels/{code}/history", timeout=30).json()["events"]
    latest = events[0]
    assert (latest["field"], latest["old_value"], latest["new_value"]) == (
        "stage",
        "idle",
        "negotiating",
    )
    assert latest["actor"] == "investment.user"
    assert latest["effective_date"] == date.today().isoformat()

    stale = patch(server, "investment", code, {"properties": {"stage": "signed"}}, etag)
    assert stale.status_code == 412
    assert stale.json()["etag"] == moved.headers["ETag"]

    viewer = patch(
        server, "viewer", code, {"properties": {"stage": "signed"}}, moved.headers["ETag"]
    )
    assert viewer.status_code == 403
    final = httpx.get(f"{server.url}/api/parcels/{code}", timeout=30).json()["properties"]
    assert final["stage"] == "negotiating"
