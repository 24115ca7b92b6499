"""TokenBuckets' figures for the X-Ratelimit-* headers, and Throttle's fallback to them."""

from __future__ import annotations

from roost.app.kernel.rate_limits import Throttle, TokenBuckets


def test_a_burst_then_refusals_with_their_figures() -> None:
    buckets = TokenBuckets(1.0, 3)
    verdicts = [buckets.spend("k", 10.0, 3) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert [v.remaining for v in verdicts] == [2, 1, 0, 0]
    assert all(v.limit == 3 for v in verdicts)
    # Refused: about 0.1 s until a token (10 a second), 0.3 s until full.
    assert 0.05 < verdicts[3].retry_after_seconds <= 0.1
    assert 0.25 < verdicts[3].reset_seconds <= 0.3
    assert verdicts[0].retry_after_seconds == 0.0
    # Keys are separate.
    assert buckets.spend("other", 10.0, 3).allowed


def test_memory_is_bounded_by_max_keys() -> None:
    buckets = TokenBuckets(1.0, 1, max_keys=2)
    for key in ("a", "b", "c"):
        assert buckets.spend(key).allowed
    assert len(buckets._buckets) == 2


class _DeadStore:
    calls = 0

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def spend(
        self, key: str, rate: float, burst: int
    ) -> tuple[bool, int, float, float] | None:
        self.calls += 1
        return None


class _SharedStore(_DeadStore):
    async def spend(
        self, key: str, rate: float, burst: int
    ) -> tuple[bool, int, float, float] | None:
        return (False, 0, 4.0, 1.5)


async def test_throttle_uses_the_shared_store_and_falls_back_to_its_own() -> None:
    shared = await Throttle(100, _SharedStore()).spend("k", 1.0, 5)
    assert (shared.allowed, shared.limit, shared.retry_after_seconds) == (False, 5, 1.5)
    dead = _DeadStore()
    throttle = Throttle(100, dead)
    verdicts = [await throttle.spend("k", 0.001, 2) for _ in range(3)]
    assert [v.allowed for v in verdicts] == [True, True, False]
    assert dead.calls == 3


class _CountingRefusals(_DeadStore):
    async def spend(
        self, key: str, rate: float, burst: int
    ) -> tuple[bool, int, float, float] | None:
        self.calls += 1
        return (False, 0, 9.0, 5.0)


async def test_a_refused_key_is_refused_here_until_its_retry_time() -> None:
    store = _CountingRefusals()
    throttle = Throttle(100, store)
    verdicts = [await throttle.spend("k", 1.0, 5) for _ in range(10)]
    assert not any(v.allowed for v in verdicts)
    assert store.calls == 1  # one round trip for the whole flood
    assert 4.0 < verdicts[-1].retry_after_seconds <= 5.0
    assert 8.0 < verdicts[-1].reset_seconds <= 9.0
    await throttle.spend("other", 1.0, 5)
    assert store.calls == 2
