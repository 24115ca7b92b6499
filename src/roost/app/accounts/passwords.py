"""Password hashing with bcrypt, off the event loop (bcrypt releases the GIL), under
admission control.

Hashing runs on its own small pool, one thread fewer than the machine has cores, at a
lower CPU priority than the event loops (``HASHING_NICENESS``): with several worker
processes the pools together can still want every core, and a login storm must not
starve the requests of users already in (measured: with equal priority, 5,000 users
logging in pushed everyone's average request past 1.6 s). In front of the pool sits
a ``Limiter`` (``roost.app.kernel.admission``): a hash is queued only while the measured
time per hash says it will start within ``password_hash_max_wait_seconds``; beyond that
the caller gets a 503 with ``Retry-After`` at once. The queue is the limiter's, not the
executor's (which never holds more than its threads can run), so a queued hash whose
client left (its task cancelled), whose deadline passed, or which is still waiting at
shutdown is dropped before bcrypt runs. Queued hashes are served in turn per source
(the client's address): a stream of wrong passwords from one address waits behind
itself, not in front of everyone else's logins.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import bcrypt

from roost.app.kernel.admission import Limiter

# Mattermost's cost; each check takes tens of milliseconds of CPU by design.
# (Settings.password_hash_cost can change it; existing hashes keep their own cost.)
BCRYPT_ROUNDS = 10
# bcrypt reads at most 72 bytes; longer passwords are refused rather than truncated.
MAX_PASSWORD_BYTES = 72
HASHING_THREADS = max(1, (os.cpu_count() or 2) - 1)
# The wait budget when nothing configured the pool (the command line, unit tests).
DEFAULT_MAX_WAIT_SECONDS = 2.0
HASHING_KIND = "password_hash"
# Added to the hashing threads' niceness (Linux: per thread). The event loops win the CPU;
# hashing takes what they leave, and admission control follows the slower hashes.
# Measured (docs/benchmarks.md, "Hashing at niceness 5"): at 10, a hashing thread got
# ~10% of a contended core and find-max topped out refusing logins at ~3,500 users;
# at 5 (~25%) it reached ~4,200, with the login storm's bystanders as fast as before.
HASHING_NICENESS = 5

_T = TypeVar("_T")


def measure_hash_seconds(rounds: int = BCRYPT_ROUNDS) -> float:
    """Seconds one bcrypt check of this cost takes here, now: the starting estimate
    admission control works from (it then follows the measured times)."""
    hashed = bcrypt.hashpw(b"calibration", bcrypt.gensalt(rounds))
    started = time.perf_counter()
    bcrypt.checkpw(b"calibration", hashed)
    return time.perf_counter() - started


class HashingPool:
    """The hashing threads and the admission queue in front of them."""

    def __init__(
        self,
        threads: int = HASHING_THREADS,
        max_wait_seconds: float = DEFAULT_MAX_WAIT_SECONDS,
        *,
        lifo: bool = False,
        expected_seconds: float = 0.06,
    ) -> None:
        self.limiter = Limiter(
            HASHING_KIND, threads, max_wait_seconds, expected_seconds=expected_seconds, lifo=lifo
        )
        self._executor = ThreadPoolExecutor(
            threads, thread_name_prefix="bcrypt", initializer=_yield_to_event_loops
        )

    async def run(self, fn: Callable[..., _T], *args: object, source: str = "") -> _T:
        """``fn(*args)`` on a hashing thread once admitted. Cancelling the caller while
        it is queued drops the work; once running, the thread finishes (bcrypt cannot
        be interrupted) and its slot is freed then, but the result is discarded."""
        limiter = self.limiter
        await limiter.acquire(source)
        started = time.perf_counter()
        try:
            future = asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
        except BaseException:
            limiter.release()
            raise

        def finished(done: asyncio.Future[_T]) -> None:
            if not done.cancelled():
                done.exception()  # retrieved even when the caller has gone
            limiter.observe(time.perf_counter() - started)
            limiter.release()

        future.add_done_callback(finished)
        return await asyncio.shield(future)

    def close(self) -> None:
        """Shutting down: queued hashes are refused, not done; the executor never held
        more than its threads were running."""
        self.limiter.close()
        self._executor.shutdown(wait=False, cancel_futures=True)


def _yield_to_event_loops() -> None:
    """Lower this hashing thread's CPU priority (not the process's: on Linux a thread id
    names just that thread). Where the platform refuses, hashing keeps equal priority."""
    try:
        thread = threading.get_native_id()
        niceness = os.getpriority(os.PRIO_PROCESS, thread) + HASHING_NICENESS
        os.setpriority(os.PRIO_PROCESS, thread, min(19, niceness))
    except (AttributeError, OSError):  # not Linux, or not permitted
        pass


_pool = HashingPool()


def use_pool(pool: HashingPool) -> None:
    """Install the node's configured pool (``roost.compose``)."""
    global _pool
    _pool = pool


def hashing_pool() -> HashingPool:
    return _pool


def check_admission(source: str = "") -> None:
    """Raise the busy error now if a hash for ``source`` would be refused: a caller
    about to read the database before hashing refuses without that work."""
    _pool.limiter.check(source)


async def hash_password(password: str, rounds: int = BCRYPT_ROUNDS, *, source: str = "") -> str:
    salt = bcrypt.gensalt(rounds)
    hashed = await _pool.run(bcrypt.hashpw, password.encode(), salt, source=source)
    return hashed.decode()


async def verify_password(password: str, hashed: str, *, source: str = "") -> bool:
    """Whether the password matches; raises the busy error (503 with Retry-After) when
    admission control refuses the check."""
    if not hashed:
        return False
    try:
        return await _pool.run(bcrypt.checkpw, password.encode(), hashed.encode(), source=source)
    except ValueError:
        return False
