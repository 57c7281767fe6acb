"""Overload is answered fast: a bounded request queue and a bounded wait for a connection give
503 with Retry-After, never a 500 (issue 10 goal 6); pools fit PostgreSQL's limit."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from gis_service.api.overload import BoundedQueue
from gis_service.main import create_app
from gis_service.serving import SPARE_CONNECTIONS, pool_share
from gis_service.settings import Settings


def test_no_free_connection_is_503_with_retry_after(settings: Settings) -> None:
    tight = settings.model_copy(
        update={"db_pool_size": 1, "db_max_overflow": 0, "db_pool_timeout": 0.2}
    )
    with TestClient(create_app(tight)) as client:
        assert client.get("/healthz").status_code == 200
        held = client.app.state.engine.connect()  # type: ignore[attr-defined]
        try:
            response = client.get("/api/parcels/IB-01")
        finally:
            held.close()
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "1"
        assert response.json()["error"] == "overloaded"
        assert client.get("/api/parcels/IB-01").status_code == 200  # free again: served


def test_a_request_beyond_the_queue_is_503_while_the_first_is_served() -> None:
    release = asyncio.Event()
    answers: list[Message] = []

    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def call(queue: BoundedQueue) -> int:
        statuses: list[int] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b""}

        async def send(message: Message) -> None:
            answers.append(message)
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        await queue({"type": "http", "method": "GET", "path": "/"}, receive, send)
        return statuses[0]

    async def scenario() -> tuple[int, int]:
        queue = BoundedQueue(slow, limit=1, wait=0.05)
        first = asyncio.create_task(call(queue))
        while not queue.slots.locked():  # until the first request holds the only slot
            await asyncio.sleep(0)
        second = await call(queue)
        release.set()
        return await first, second

    # In a thread of its own: a browser test earlier in the session may leave a loop running here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        first, second = pool.submit(asyncio.run, scenario()).result()
    assert (first, second) == (200, 503)
    retry = [m for m in answers if m.get("status") == 503][0]["headers"]
    assert (b"retry-after", b"1") in retry


def test_a_request_waiting_for_a_slot_freed_in_time_is_served() -> None:
    release = asyncio.Event()
    statuses: list[int] = []

    async def held(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == "/first":
            await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    async def call(queue: BoundedQueue, path: str) -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b""}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        await queue({"type": "http", "method": "GET", "path": path}, receive, send)

    async def scenario() -> int:
        queue = BoundedQueue(held, limit=1, wait=5.0)
        first = asyncio.create_task(call(queue, "/first"))
        while not queue.slots.locked():
            await asyncio.sleep(0)
        second = asyncio.create_task(call(queue, "/second"))
        await asyncio.sleep(0.01)
        assert statuses == []  # the second waits for the slot
        release.set()
        await asyncio.gather(first, second)
        return queue.slots._value

    with ThreadPoolExecutor(max_workers=1) as pool:
        free = pool.submit(asyncio.run, scenario()).result()
    assert statuses == [200, 200] and free == 1  # both served, the slot given back


def test_pools_of_every_worker_fit_within_max_connections() -> None:
    for budget in (20, 97, 197, 500):
        for workers in (1, 2, 4, 8):
            size, overflow = pool_share(budget, workers)
            assert size >= 1 and overflow >= 0
            assert workers * (size + overflow) <= max(budget - SPARE_CONNECTIONS, 2 * workers)


def test_a_statement_past_its_timeout_is_503_not_500(settings: Settings) -> None:
    impatient = settings.model_copy(update={"db_statement_timeout_ms": 1})
    with TestClient(create_app(impatient)) as client:
        response = client.get("/api/kpis", params={"as_of": "2021-06-30"})
    assert response.status_code == 503, response.text
    assert int(response.headers["Retry-After"]) > 0
