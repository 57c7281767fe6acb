"""KPIs are kept per (date, data version): computed once for concurrent askers, computed again
after any write (issue 10 goal 6)."""

from __future__ import annotations

import threading
from datetime import date

from api_helpers import bearer, tokens  # noqa: F401 (fixture)
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from gis_service.parcels.kpi_cache import KpiCache
from gis_service.rules.kpis import Kpi
from gis_service.rules.levels import Level

ONE = Kpi("T1a", "t", "个", 1, 1, date(2021, 2, 28), Level.GREEN, None)


def test_concurrent_askers_of_one_key_share_one_computation() -> None:
    cache = KpiCache(4)
    calls: list[int] = []
    started = threading.Event()
    release = threading.Event()

    def compute() -> list[Kpi]:
        calls.append(1)
        started.set()
        release.wait(5)
        return [ONE]

    answers: list[list[Kpi]] = []
    threads = [threading.Thread(target=lambda: answers.append(cache.get("k", compute, wait=5)))]
    threads[0].start()
    started.wait(5)
    threads += [threading.Thread(target=lambda: answers.append(cache.get("k", compute, wait=5)))]
    threads[1].start()
    release.set()
    for thread in threads:
        thread.join(5)
    assert answers == [[ONE], [ONE]]
    assert len(calls) == 1
    assert cache.get("other", lambda: [], wait=5) == []  # another key computes its own


def test_the_oldest_answer_leaves_beyond_the_capacity() -> None:
    cache = KpiCache(1)
    cache.get("a", lambda: [ONE], wait=5)
    cache.get("b", lambda: [], wait=5)
    assert cache.get("a", lambda: [], wait=5) == []  # computed again


def test_an_edit_changes_the_kpis_answered_next(
    client: TestClient,
    session: Session,
    tokens: dict[str, str],  # noqa: F811
) -> None:
    before = client.get("/api/kpis").json()["kpis"]
    assert client.get("/api/kpis").json()["kpis"] == before  # kept
    read = client.get("/api/parcels/IB-01")
    let = {"properties": {"vacant_area_m2": 1000}}  # a T9 building: 35,000 m² more in use
    headers = bearer(tokens["admin"]) | {"If-Match": read.headers["ETag"]}
    assert client.patch("/api/parcels/IB-01", json=let, headers=headers).status_code == 200
    after = client.get("/api/kpis").json()["kpis"]
    assert after != before


def test_an_asker_finding_it_computing_waits_a_bounded_time() -> None:
    cache = KpiCache(4)
    started = threading.Event()
    release = threading.Event()

    def compute() -> list[Kpi]:
        started.set()
        release.wait(5)
        return [ONE]

    first = threading.Thread(target=cache.get, args=("k", compute), kwargs={"wait": 5})
    first.start()
    started.wait(5)
    assert cache.get("k", compute, wait=0.05) is None  # answered 503, retry
    release.set()
    first.join(5)
    assert cache.get("k", compute, wait=0.05) == [ONE]
