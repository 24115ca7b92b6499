"""The admission limiter: refusal beyond the wait budget, dropping queued work whose
caller left, deadlines, fair turns per key, shutdown."""

from __future__ import annotations

import asyncio

import pytest

from roost.app.kernel.admission import Limiter
from roost.app.kernel.errors import SERVER_BUSY, AppError


async def _hold(limiter: Limiter, key: str, release: asyncio.Event, log: list[str]) -> None:
    async with limiter.slot(key):
        log.append(key)
        await release.wait()


async def test_refuses_at_once_beyond_the_wait_budget() -> None:
    # One slot, 1 s per item, 4.4 s budget (3.3 s with the headroom): one running, two
    # queued (done after 2 s and 3 s), the fourth (done after 4 s) refused.
    limiter = Limiter("test", 1, 4.4, expected_seconds=1.0)
    release = asyncio.Event()
    log: list[str] = []
    tasks = [asyncio.create_task(_hold(limiter, "a", release, log)) for _ in range(3)]
    await asyncio.sleep(0)
    assert (limiter.running, limiter.queued) == (1, 2)
    with pytest.raises(AppError) as refused:
        await limiter.acquire("a")
    assert refused.value.status == 503
    assert refused.value.error_id == SERVER_BUSY
    assert refused.value.retry_after is not None and refused.value.retry_after >= 1
    release.set()
    await asyncio.gather(*tasks)
    assert log == ["a", "a", "a"]
    assert (limiter.running, limiter.queued) == (0, 0)


async def test_a_cancelled_waiter_leaves_the_queue_and_never_runs() -> None:
    limiter = Limiter("test", 1, 10.0, expected_seconds=0.01)
    release = asyncio.Event()
    log: list[str] = []
    first = asyncio.create_task(_hold(limiter, "first", release, log))
    gone = asyncio.create_task(_hold(limiter, "gone", release, log))
    last = asyncio.create_task(_hold(limiter, "last", release, log))
    await asyncio.sleep(0)
    assert limiter.queued == 2
    gone.cancel()
    await asyncio.sleep(0)
    assert limiter.queued == 1
    release.set()
    await asyncio.gather(first, last)
    assert gone.cancelled()
    assert log == ["first", "last"]
    assert limiter.running == 0


async def test_work_queued_past_its_deadline_is_refused_not_run() -> None:
    # The forecast (1 ms per item) is wrong: the running item takes 100 ms, longer than
    # the 50 ms budget, so the queued one is refused when its turn comes.
    limiter = Limiter("test", 1, 0.05, expected_seconds=0.001)
    release = asyncio.Event()
    log: list[str] = []
    running = asyncio.create_task(_hold(limiter, "running", release, log))
    late = asyncio.create_task(_hold(limiter, "late", release, log))
    await asyncio.sleep(0.1)
    release.set()
    await running
    with pytest.raises(AppError):
        await late
    assert log == ["running"]


async def test_keys_take_turns_and_a_flooding_key_does_not_push_others_out() -> None:
    limiter = Limiter("test", 1, 6.0, expected_seconds=1.0)  # 4.5 s with the headroom
    release = asyncio.Event()
    log: list[str] = []
    tasks = [asyncio.create_task(_hold(limiter, "flood", release, log))]
    await asyncio.sleep(0)
    tasks += [asyncio.create_task(_hold(limiter, "flood", release, log)) for _ in range(3)]
    await asyncio.sleep(0)
    # The flood's own next item would be done after 5 s, beyond the budget...
    assert limiter.expected_wait("flood") == pytest.approx(4.0)
    with pytest.raises(AppError):
        await limiter.acquire("flood")
    # ... but another key is served next in turn (done after 3 s), so it is admitted.
    assert limiter.expected_wait("other") == pytest.approx(2.0)
    tasks.append(asyncio.create_task(_hold(limiter, "other", release, log)))
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    # The running one, one flood item in its turn, then the other key's.
    assert log == ["flood", "flood", "other", "flood", "flood"]


async def test_lifo_serves_the_newest_first() -> None:
    limiter = Limiter("test", 1, 10.0, expected_seconds=0.01, lifo=True)
    release = asyncio.Event()
    log: list[str] = []
    tasks = [asyncio.create_task(_hold(limiter, name, release, log)) for name in ("first",)]
    await asyncio.sleep(0)
    order: list[str] = []

    async def queued(name: str) -> None:
        async with limiter.slot("a"):
            order.append(name)

    for name in ("old", "middle", "new"):
        tasks.append(asyncio.create_task(queued(name)))
        await asyncio.sleep(0)
    release.set()
    await asyncio.gather(*tasks)
    assert order == ["new", "middle", "old"]


async def test_close_refuses_everything_queued_and_new() -> None:
    limiter = Limiter("test", 1, 60.0, expected_seconds=0.01)
    release = asyncio.Event()
    log: list[str] = []
    running = asyncio.create_task(_hold(limiter, "a", release, log))
    queued = [asyncio.create_task(_hold(limiter, "b", release, log)) for _ in range(50)]
    await asyncio.sleep(0)
    limiter.close()
    results = await asyncio.gather(*queued, return_exceptions=True)
    assert all(isinstance(r, AppError) and r.status == 503 for r in results)
    with pytest.raises(AppError):
        await limiter.acquire("c")
    release.set()
    await running
    assert log == ["a"]


async def test_the_estimate_follows_measured_times() -> None:
    limiter = Limiter("test", 2, 1.0, expected_seconds=1.0)
    for _ in range(30):
        limiter.observe(0.1)
    assert limiter.seconds_per_item == pytest.approx(0.1, abs=0.01)


async def test_refused_clients_are_promised_slots_one_after_another() -> None:
    # One slot, 1 s per item: one running and two queued (3 s of work). Each refusal is
    # told to come back at a later slot than the one before, spread over the time the
    # work takes, not all "after the backlog" into the same storm.
    limiter = Limiter("test", 1, 4.4, expected_seconds=1.0)
    release = asyncio.Event()
    tasks = [asyncio.create_task(_hold(limiter, "a", release, [])) for _ in range(3)]
    await asyncio.sleep(0)
    promised = []
    for _ in range(5):
        with pytest.raises(AppError) as refused:
            await limiter.acquire("a")
        assert refused.value.retry_after is not None
        promised.append(refused.value.retry_after)
    assert promised == [3, 4, 5, 6, 7]
    release.set()
    await asyncio.gather(*tasks)


def test_promises_stop_at_the_apps_longest_back_off() -> None:
    limiter = Limiter("test", 1, 1.0, expected_seconds=100.0)
    assert [limiter.retry_after() for _ in range(5)] == [1, 100, 200, 300, 300]
