"""A one-field PATCH reads the parcel once and writes in one statement (issue 9 item 4).

Statements are counted as the driver sends them (SQLAlchemy's before_cursor_execute), for the
whole request: the token's user, the locked read, the update with its events.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from tests.api_helpers import bearer, tokens

__all__ = ["tokens"]  # the fixture, imported for the tests below


@contextmanager
def statements_sent(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine's connections send inside the block."""
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_one_field_patch_sends_three_statements(
    client: TestClient, engine: Engine, tokens: dict[str, str]
) -> None:
    version = client.get("/api/parcels/IB-01").headers["ETag"]
    headers = bearer(tokens["investment"]) | {"If-Match": version}
    with statements_sent(engine) as sent:
        body = {"properties": {"intended_tenant": "某影院"}}
        response = client.patch("/api/parcels/IB-01", json=body, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["properties"]["intended_tenant"] == "某影院"
    # user, locked read, UPDATE + event INSERT (goal: at most five; no savepoint since run 6)
    assert len(own(sent)) <= 3, sent


def own(sent: list[str]) -> list[str]:
    """The request's statements without the test harness's commit.

    The test session runs inside a SAVEPOINT, so the handler's commit releases one it did not
    open; in service it is a COMMIT, which the driver sends as no statement of its own.
    """
    opened = {s.removeprefix("SAVEPOINT ") for s in sent if s.startswith("SAVEPOINT ")}
    return [
        s
        for s in sent
        if not s.startswith("RELEASE SAVEPOINT ") or s.removeprefix("RELEASE SAVEPOINT ") in opened
    ]
