"""The outbound delivery queue: calls to integrations that must not be lost.

A delivery is written (already leased to this node) and attempted at once; a failed
attempt is rescheduled with exponential backoff, and after the last attempt it stays
in the table as ``failed`` for admins to see (and retry). Every node runs a worker
that claims due deliveries (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so one a node
left behind when it stopped is delivered by another, or by itself after a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from roost.app.integrations.outbound import OutboundError, OutboundHttp, OutboundResponse
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.clock import now_ms
from roost.model.delivery import FAILED, PENDING, Delivery
from roost.store.db.database import Database
from roost.store.integrations import deliveries as delivery_store
from roost.tenancy.scope import across_tenants, tenant_scope

log = logging.getLogger("roost.integrations")

POLL_SECONDS = 2.0
CLAIM_BATCH = 20
BACKOFF_MAX_SECONDS = 3600.0
# A claimed delivery is someone's for the call's timeout plus this much.
LEASE_MARGIN_SECONDS = 30.0

DeliveredHandler = Callable[[Delivery, OutboundResponse], Awaitable[None]]
# Headers made at each attempt (a signature that expires); OutboundError to give up.
HeadersMaker = Callable[[Delivery], Awaitable[dict[str, str]]]


class DeliveryQueue:
    def __init__(
        self,
        db: Database,
        http: OutboundHttp,
        max_attempts: int,
        retry_base_seconds: float,
        timeout_seconds: float,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._db = db
        self._http = http
        self._max_attempts = max_attempts
        self._retry_base = retry_base_seconds
        self._lease_ms = int((timeout_seconds + LEASE_MARGIN_SECONDS) * 1000)
        self._poll = poll_seconds
        self._handlers: dict[str, DeliveredHandler] = {}
        self._signers: dict[str, HeadersMaker] = {}
        self._running: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()

    def on_delivered(self, kind: str, handler: DeliveredHandler) -> None:
        """What to do with the answer of a delivered call of this kind."""
        self._handlers[kind] = handler

    def sign_with(self, kind: str, signer: HeadersMaker) -> None:
        """Headers for each attempt of a call of this kind."""
        self._signers[kind] = signer

    async def enqueue(self, deliveries: list[Delivery]) -> None:
        """Persist deliveries leased to this node, then attempt them in the background."""
        if not deliveries:
            return
        now = now_ms()
        async with self._db.write() as conn:
            for delivery in deliveries:
                delivery.create_at = delivery.update_at = now
                delivery.attempts = 1
                delivery.next_attempt_at = now + self._lease_ms
                await delivery_store.insert_delivery(conn, delivery)
        for delivery in deliveries:
            task = asyncio.create_task(self._attempt(delivery))
            self._running.add(task)
            task.add_done_callback(self._running.discard)

    async def drain(self) -> None:
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)

    async def run(self) -> None:
        """Claim and attempt due deliveries until cancelled: at every poll, and when a
        retry this node scheduled falls due."""
        while True:
            try:
                while await self.run_once():
                    pass
            except Exception:
                log.exception("delivery worker round failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll)
            self._wake.clear()

    async def run_once(self) -> int:
        now = now_ms()
        due: list[Delivery] = []
        for database in self._db.names():
            with across_tenants(database):  # the queue is every tenant's
                async with self._db.write() as conn:
                    due += await delivery_store.claim_due(
                        conn, now, now + self._lease_ms, CLAIM_BATCH, self._db.read_only_tenants()
                    )
        if due:
            await asyncio.gather(*(self._attempt(d) for d in due))
        return len(due)

    async def _attempt(self, delivery: Delivery) -> None:
        with tenant_scope(delivery.tenant_id):
            await self._attempt_in_scope(delivery)

    async def _attempt_in_scope(self, delivery: Delivery) -> None:
        try:
            signer = self._signers.get(delivery.kind)
            response = await self._http.request(
                "POST",
                delivery.url,
                body=delivery.body,
                content_type=delivery.content_type,
                headers=await signer(delivery) if signer else None,
            )
            if not response.ok:
                raise OutboundError(f"answered {response.status}")
        except OutboundError as exc:
            await self._failed(delivery, str(exc), exc.permanent)
            return
        except Exception as exc:
            log.exception("delivery %s failed unexpectedly", delivery.id)
            await self._failed(delivery, type(exc).__name__)
            return
        async with self._db.write() as conn:
            await delivery_store.delete_delivery(conn, delivery.tenant_id, delivery.id)
        handler = self._handlers.get(delivery.kind)
        if handler is not None:
            # The call succeeded; a reply that cannot be used is logged, not retried.
            try:
                await handler(delivery, response)
            except errors.AppError as exc:
                log.warning("reply to delivery %s not used: %s", delivery.id, exc.message)
            except Exception:
                log.exception("reply to delivery %s not used", delivery.id)

    async def _failed(self, delivery: Delivery, error: str, permanent: bool = False) -> None:
        now = now_ms()
        async with self._db.write() as conn:
            if permanent or delivery.attempts >= self._max_attempts:
                log.warning(
                    "delivery %s (%s) failed after %d attempts: %s",
                    delivery.id,
                    delivery.kind,
                    delivery.attempts,
                    error,
                )
                await delivery_store.mark_failed(conn, delivery.tenant_id, delivery.id, error, now)
                return
            delay = min(self._retry_base * 2 ** (delivery.attempts - 1), BACKOFF_MAX_SECONDS)
            await delivery_store.reschedule(
                conn, delivery.tenant_id, delivery.id, now + int(delay * 1000), error, now
            )
        if delay < self._poll:
            asyncio.get_running_loop().call_later(delay, self._wake.set)

    # Admins' view.

    async def listing(self, actor: Actor, state: str, offset: int, limit: int) -> list[Delivery]:
        if not actor.is_system_admin:
            raise errors.forbidden()
        if state not in (PENDING, FAILED):
            raise errors.invalid_param("state")
        async with self._db.read() as conn:
            return await delivery_store.list_deliveries(conn, actor.tenant_id, state, offset, limit)

    async def do_retry(self, actor: Actor, delivery_id: str) -> None:
        if not actor.is_system_admin:
            raise errors.forbidden()
        async with self._db.write() as conn:
            found = await delivery_store.requeue_failed(
                conn, actor.tenant_id, delivery_id, now_ms()
            )
        if not found:
            raise errors.not_found("delivery", "app.delivery.get.app_error")
