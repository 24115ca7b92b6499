"""Admission control on the other expensive paths (issue 20.1): search, image previews,
tenant exports and calls to integrations each take work only within their limits and
refuse the rest at once with 503 ``api.context.server_busy.app_error`` and
``Retry-After``; nothing else fails. Limits are set tiny so that any overlap is over
budget."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from roost.tenancy import DEFAULT_TENANT_ID
from tests.integrations.receiver import Answer, Receiver, running_receiver
from tests.support.chat import channel_with, team_with
from tests.support.client import LoggedIn, create_user, expect
from tests.support.databases import database
from tests.support.files import png, upload_response
from tests.support.posting import post
from tests.support.server import admin_url, running_server

BUSY = "api.context.server_busy.app_error"
OPERATOR_TOKEN = "operator-" + "a" * 40
TIGHT = {
    "ROOST_SEARCH_CONCURRENCY": "1",
    "ROOST_SEARCH_MAX_WAIT_SECONDS": "0.001",
    "ROOST_PREVIEW_CONCURRENCY": "1",
    "ROOST_PREVIEW_MAX_WAIT_SECONDS": "0.001",
    "ROOST_EXPORT_CONCURRENCY": "1",
    "ROOST_INTEGRATION_CALL_CONCURRENCY": "1",
    "ROOST_INTEGRATION_CALL_MAX_WAIT_SECONDS": "0.5",
    "ROOST_OUTBOUND_ALLOWED_HOSTS": "localhost",
    "ROOST_OUTBOUND_TIMEOUT_SECONDS": "10",
    "ROOST_OPERATOR_TOKEN": OPERATOR_TOKEN,
}


@pytest.fixture(scope="module")
def tight(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("roost-tight")
    with database("sqlite", data_dir) as url, running_server(url, data_dir, TIGHT) as base:
        yield base


@pytest.fixture(scope="module")
def owner(tight: str) -> LoggedIn:
    return create_user(tight, username=f"admin{uuid.uuid4().hex[:6]}")


def assert_refusals(responses: list[httpx.Response]) -> list[httpx.Response]:
    """Every response is a 200/201 or the busy 503 with Retry-After; returns the 503s."""
    refused = [r for r in responses if r.status_code == 503]
    for r in refused:
        body = r.json()
        assert body["id"] == BUSY and body["status_code"] == 503, body
        assert int(r.headers["Retry-After"]) >= 1
    assert all(r.status_code in (200, 201, 503) for r in responses), [
        (r.status_code, r.text[:200]) for r in responses if r.status_code not in (200, 201, 503)
    ]
    return refused


def concurrently(calls: int, fn: object) -> list[httpx.Response]:
    assert callable(fn)
    with ThreadPoolExecutor(calls) as pool:
        return list(pool.map(lambda _: fn(), range(calls)))


def test_concurrent_searches_over_the_limit_are_refused_fast(tight: str, owner: LoggedIn) -> None:
    team = team_with(owner)
    channel = channel_with(owner, team["id"])
    for i in range(20):
        post(owner, channel["id"], f"searchable word number {i}")
    path = f"{tight}/api/v4/teams/{team['id']}/posts/search"
    headers = {"Authorization": f"Bearer {owner.token}"}

    async def storm() -> list[tuple[httpx.Response, float]]:
        async with httpx.AsyncClient(timeout=30) as client:

            async def one() -> tuple[httpx.Response, float]:
                started = time.perf_counter()
                r = await client.post(path, json={"terms": "searchable"}, headers=headers)
                return r, time.perf_counter() - started

            return list(await asyncio.gather(*(one() for _ in range(40))))

    results = asyncio.run(storm())
    refused = assert_refusals([r for r, _ in results])
    assert refused, "some of 40 simultaneous searches overlap a running one"
    assert any(r.status_code == 200 for r, _ in results)
    # The server searches again once the storm has passed.
    again = httpx.post(path, json={"terms": "searchable"}, headers=headers, timeout=30)
    assert again.status_code == 200 and len(again.json()["order"]) == 20


def test_concurrent_image_previews_over_the_limit_are_refused(tight: str, owner: LoggedIn) -> None:
    team = team_with(owner)
    channel = channel_with(owner, team["id"])
    image = png(2400, 2400)
    responses = concurrently(
        8, lambda: upload_response(owner, channel["id"], ("big.png", image, "image/png"))
    )
    refused = assert_refusals(responses)
    assert refused, "eight simultaneous 2400x2400 decodes exceed one slot and no wait"
    stored = [r for r in responses if r.status_code == 201]
    assert stored and all(r.json()["file_infos"][0]["has_preview_image"] for r in stored)


def test_exports_beyond_the_one_slot_are_refused_not_queued(tight: str, owner: LoggedIn) -> None:
    url = f"{admin_url(tight)}/operator/v1/tenants/{DEFAULT_TENANT_ID}/export"
    headers = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}

    async def together() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=30, headers=headers) as client:
            return list(await asyncio.gather(*(client.get(url) for _ in range(6))))

    responses = asyncio.run(together())
    refused = assert_refusals(responses)
    assert refused, "six simultaneous exports overlap the one slot"
    exported = [r for r in responses if r.status_code == 200]
    assert exported and all(r.text.startswith('{"type":"version"') for r in exported)
    # The slot is given back when a stream ends: exporting works again.
    assert httpx.get(url, headers=headers, timeout=30).status_code == 200


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with running_receiver() as r:
        yield r


def test_slash_commands_to_a_slow_app_beyond_the_budget_are_refused(
    tight: str, owner: LoggedIn, receiver: Receiver
) -> None:
    team = team_with(owner)
    channel = channel_with(owner, team["id"])
    where = f"/{uuid.uuid4().hex}"
    receiver.answer(where, Answer(200, b'{"text": "slow"}', delay=1.5))
    cmd = expect(
        owner.api.post(
            "/commands",
            {"team_id": team["id"], "trigger": "slowpoke", "url": receiver.url(where)},
        ),
        201,
    )
    body = {"channel_id": channel["id"], "command": f"/{cmd['trigger']}"}
    headers = {"Authorization": f"Bearer {owner.token}"}

    def run() -> httpx.Response:
        return httpx.post(
            f"{tight}/api/v4/commands/execute", json=body, headers=headers, timeout=30
        )

    started = time.perf_counter()
    responses = concurrently(8, run)
    took = time.perf_counter() - started
    refused = assert_refusals(responses)
    # One slot, 1.5 s per call, a 0.5 s budget: most of eight are refused.
    assert len(refused) >= 4, [r.status_code for r in responses]
    assert any(r.status_code == 200 for r in responses)
    # Nobody waited for the whole queue of calls (8 x 1.5 s).
    assert took < 8 * 1.5, took
