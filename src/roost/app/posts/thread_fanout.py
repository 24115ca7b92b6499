"""Deferred thread fan-out: moving the followers' counters of a large thread after the
reply has committed, then telling each follower.

A reply to a thread with hundreds of followers commits with its own rows and a job row
(``store/posts/thread_fanout.py``); the poster's node nudges this worker, which applies the
job in a transaction of its own and publishes ``thread_updated`` to every follower.
Every node runs a worker, and each also polls, so jobs left by a node that stopped are
applied by another. Reads that recount a user's unread state from the posts apply a
thread's waiting jobs first (``flush``), inside their own transaction, so no reply is
counted twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace

from roost.app.posts.thread_events import thread_updated_events
from roost.cluster.bus import Bus
from roost.model.event import Event
from roost.store.db.database import Connection as AsyncConnection
from roost.store.db.database import Database
from roost.store.posts import posts as post_store
from roost.store.posts import thread_fanout as fanout_store
from roost.store.posts.thread_fanout import FanoutJob, FollowerState, ThreadFanout
from roost.tenancy.scope import across_tenants

log = logging.getLogger("roost.threads")

JOBS_PER_TRANSACTION = 20
POLL_SECONDS = 2.0
RETRY_SECONDS = 1.0


class FanoutWorker:
    def __init__(self, db: Database, bus: Bus, poll_seconds: float = POLL_SECONDS) -> None:
        self._db = db
        self._bus = bus
        self._poll = poll_seconds
        self._wake = asyncio.Event()
        self.applied = 0

    def nudge(self) -> None:
        """A job was just committed: apply it now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        """Apply jobs until cancelled; a failed round is logged and retried."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll)
            self._wake.clear()
            try:
                while await self.drain_once():
                    pass
            except Exception:
                log.exception("thread fan-out failed; retrying")
                await asyncio.sleep(RETRY_SECONDS)
                self._wake.set()

    async def drain_once(self) -> int:
        """Apply up to a transaction's worth of waiting jobs in each database; returns
        how many."""
        applied = 0
        for database in self._db.names():
            # The queue is every tenant's; each job's statements name its tenant.
            with across_tenants(database):
                async with self._db.write() as conn:
                    skip = self._db.read_only_tenants()
                    jobs = await fanout_store.take_jobs(conn, JOBS_PER_TRANSACTION, skip)
                    events = await self._apply(conn, jobs)
            applied += len(jobs)
            await publish_in_slices(self._bus, events)
        self.applied += applied
        return applied

    async def flush(self, conn: AsyncConnection, tenant_id: str, root_id: str) -> list[Event]:
        """Apply a thread's waiting jobs in the caller's transaction (which must hold the
        thread's root row locked); returns the events to publish after its commit."""
        return await self._apply(conn, await fanout_store.take_jobs_for(conn, tenant_id, root_id))

    async def _apply(self, conn: AsyncConnection, jobs: list[FanoutJob]) -> list[Event]:
        """Apply jobs in order; several jobs of one thread make one event per follower,
        with the counts before the first and after the last (a burst of replies to a
        large thread costs each follower one frame, not one per reply)."""
        merged: dict[tuple[str, str], tuple[FanoutJob, ThreadFanout]] = {}
        for job in jobs:
            fanout = await fanout_store.apply_job(conn, job)
            key = (job.tenant_id, job.root_id)
            if key in merged:
                fanout.followers = _fold(merged[key][1].followers, fanout.followers)
            merged[key] = (job, fanout)
        events: list[Event] = []
        for (tenant_id, root_id), (job, fanout) in merged.items():
            root = await post_store.get_post(conn, tenant_id, root_id, include_deleted=True)
            if root is not None and fanout.followers:
                events += thread_updated_events(tenant_id, root, job.team_id, fanout)
        return events


async def publish_in_slices(bus: Bus, events: list[Event]) -> None:
    """Publish many events one at a time, letting requests run in between: a thousand
    followers told at once would hold the event loop for tens of milliseconds (each
    ``thread_updated`` event tells at most a hundred)."""
    for event in events:
        await bus.publish([event])
        await asyncio.sleep(0)


def _fold(
    earlier: dict[str, FollowerState], later: dict[str, FollowerState]
) -> dict[str, FollowerState]:
    folded = dict(earlier)
    for user_id, state in later.items():
        first = earlier.get(user_id)
        if first is not None:
            state = replace(
                state,
                previous_replies=first.previous_replies,
                previous_mentions=first.previous_mentions,
            )
        folded[user_id] = state
    return folded
