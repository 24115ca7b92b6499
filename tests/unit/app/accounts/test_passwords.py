"""Password hashing under admission control: the callers' functions work as before; a
queued check whose caller left is never hashed; shutdown refuses what is queued."""

from __future__ import annotations

import asyncio
import os
import threading

import bcrypt
import pytest

from roost.app.accounts import passwords
from roost.app.accounts.passwords import HashingPool
from roost.app.kernel.errors import SERVER_BUSY, AppError


async def test_hash_and_verify_keep_their_signatures() -> None:
    hashed = await passwords.hash_password("Secret-1", 4)
    assert await passwords.verify_password("Secret-1", hashed)
    assert not await passwords.verify_password("wrong", hashed)
    assert not await passwords.verify_password("Secret-1", "")
    assert not await passwords.verify_password("Secret-1", "not-a-hash")


async def test_a_cancelled_queued_check_is_never_hashed() -> None:
    pool = HashingPool(1, 60.0, expected_seconds=0.01)
    gate = threading.Event()
    ran: list[str] = []

    def work(name: str) -> str:
        gate.wait(5)
        ran.append(name)
        return name

    first = asyncio.create_task(pool.run(work, "first"))
    gone = asyncio.create_task(pool.run(work, "gone"))
    kept = asyncio.create_task(pool.run(work, "kept"))
    await asyncio.sleep(0.05)
    gone.cancel()
    await asyncio.sleep(0)
    gate.set()
    assert await first == "first" and await kept == "kept"
    assert gone.cancelled()
    assert ran == ["first", "kept"]
    pool.close()


async def test_close_refuses_the_queue_and_only_the_running_hash_finishes() -> None:
    pool = HashingPool(1, 60.0, expected_seconds=0.01)
    hashed = bcrypt.hashpw(b"pw", bcrypt.gensalt(4))
    gate = threading.Event()

    def slow_check() -> bool:
        gate.wait(5)
        return bcrypt.checkpw(b"pw", hashed)

    running = asyncio.create_task(pool.run(slow_check))
    queued = [asyncio.create_task(pool.run(slow_check)) for _ in range(100)]
    await asyncio.sleep(0.05)
    pool.close()
    gate.set()
    results = await asyncio.gather(*queued, return_exceptions=True)
    assert all(isinstance(r, AppError) and r.error_id == SERVER_BUSY for r in results)
    assert await running is True
    with pytest.raises(AppError):
        await pool.run(slow_check)


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="thread priorities are Linux's")
async def test_hashing_threads_yield_the_cpu_to_the_event_loop() -> None:
    # With several worker processes the pools together can want every core; the event
    # loops must still win it (a login storm once pushed every request past 1.6 s).
    pool = HashingPool(1, 60.0, expected_seconds=0.01)

    def own_niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    loop_niceness = own_niceness()
    assert await pool.run(own_niceness) == min(19, loop_niceness + passwords.HASHING_NICENESS)
    assert own_niceness() == loop_niceness  # the process (and its event loop) unchanged
    pool.close()
