"""GET /api/kpis on the sample data: the plan's figures on three dates, written out."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

# (id, actual, level) per date, from data/geo/README.md's figure table and DESIGN.md's levels.
EXPECTED = {
    "2021-02-28": [
        ("T1a", 9, "orange"), ("T1b", 678, "orange"), ("T2", 4, "yellow"), ("T3a", 9, "blue"),
        ("T3b", 9, "yellow"), ("T4", 0, "yellow"), ("T7", 0, "yellow"), ("T7i", 0, "yellow"),
        ("T8", 0, "orange"), ("T9", 24.7, "blue"), ("T9d", 0, "yellow"), ("T10", 0, "orange"),
        ("T11", 0, "yellow"),
    ],
    "2021-06-30": [
        ("T1a", 11, "green"), ("T1b", 705, "green"), ("T2", 26, "orange"), ("T3a", 43, "green"),
        ("T3b", 43, "yellow"), ("T4", 0, "orange"), ("T7", 0, "orange"), ("T7i", 0, "orange"),
        ("T8", 1, "orange"), ("T9", 31.7, "blue"), ("T9d", 7, "blue"), ("T10", 2, "green"),
        ("T11", 0, "orange"),
    ],
    "2021-12-31": [
        ("T1a", 11, "green"), ("T1b", 705, "green"), ("T2", 30, "red"), ("T3a", 129, "green"),
        ("T3b", 129, "orange"), ("T4", 5, "orange"), ("T7", 4, "orange"),
        ("T7i", 105000, "orange"), ("T8", 2, "green"), ("T9", 44.4, "blue"), ("T9d", 19.7, "green"),
        ("T10", 2, "green"), ("T11", 1, "green"),
    ],
}  # fmt: skip


@pytest.mark.parametrize("as_of", sorted(EXPECTED))
def test_kpis_on_sample_data(client: TestClient, as_of: str) -> None:
    response = client.get("/api/kpis", params={"as_of": as_of})
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == as_of
    assert [(k["id"], k["actual"], k["level"]) for k in body["kpis"]] == EXPECTED[as_of]


def test_kpi_targets_and_titles(client: TestClient) -> None:
    kpis = {k["id"]: k for k in client.get("/api/kpis?as_of=2021-06-30").json()["kpis"]}
    assert (kpis["T1a"]["target"], kpis["T1a"]["deadline"]) == (11, "2021-02-28")
    assert (kpis["T1b"]["target"], kpis["T1b"]["unit"]) == (705, "栋")
    assert (kpis["T3a"]["target"], kpis["T3b"]["target"]) == (40, 140)
    assert (kpis["T7i"]["target"], kpis["T7i"]["unit"]) == (130000, "万元")
    assert kpis["T9d"]["target"] == 15
    assert kpis["T2"]["title_zh"] == "拆迁问题解决"


def test_kpis_reject_a_bad_date(client: TestClient) -> None:
    response = client.get("/api/kpis", params={"as_of": "2021-13-01"})
    assert response.status_code == 422
    assert response.json()["field"] == "as_of"
