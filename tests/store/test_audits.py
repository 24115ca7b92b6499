"""The audit recorder against a real database: its queue's bound, its purge's bound per
run, and records whose text would not fit or would not insert."""

from __future__ import annotations

from prometheus_client import REGISTRY

from roost.app.kernel.audit import (
    AUDIT_MAX_ATTEMPTS,
    AUDIT_PURGE_BATCH,
    AuditLog,
    enter_client_address,
)
from roost.app.kernel.context import Actor
from roost.model.audit import EXTRA_INFO_MAX, Audit
from roost.store import audits as audit_store
from roost.store.db.database import Database
from roost.tenancy import DEFAULT_TENANT_ID
from roost.tenancy.placement import Placement
from roost.tenancy.scope import tenant_scope

ACTOR = Actor(DEFAULT_TENANT_ID, "u" * 26, "system_user", session_id="s" * 26)
DAY_MS = 86_400_000


def _dropped(reason: str) -> float:
    value = REGISTRY.get_sample_value("roost_audit_records_dropped_total", {"reason": reason})
    return float(value or 0)


async def test_a_full_queue_drops_new_records_and_counts_them(db: Database) -> None:
    log = AuditLog(db, queue_max=3)
    before = _dropped("full")
    for n in range(5):
        log.record(ACTOR, "login", f"attempt {n}")
    assert log.queued == 3 and log.dropped == 2
    assert _dropped("full") == before + 2
    # The three that fitted are written (in one millisecond their order is the ids').
    found = await log.newest(DEFAULT_TENANT_ID, ACTOR.user_id, 0, 10)
    assert sorted(a.extra_info for a in found) == ["attempt 0", "attempt 1", "attempt 2"]
    assert log.queued == 0
    # Room again once written.
    log.record(ACTOR, "logout")
    assert log.queued == 1 and log.dropped == 2


async def test_text_is_cleaned_and_cut_to_fit(db: Database) -> None:
    log = AuditLog(db)
    enter_client_address("10.1.2.3")
    log.record(ACTOR, "login", "failure - login_id=a\x00b\nc" + "x" * 2000)
    [audit] = await log.newest(DEFAULT_TENANT_ID, ACTOR.user_id, 0, 10)
    assert audit.extra_info.startswith("failure - login_id=a b c")
    assert len(audit.extra_info) == EXTRA_INFO_MAX
    assert audit.ip_address == "10.1.2.3" and audit.session_id == ACTOR.session_id


async def test_the_purge_is_bounded_per_run(db: Database) -> None:
    log = AuditLog(db, retention_days=1)
    old = AUDIT_PURGE_BATCH + 500
    now = 1_000 * DAY_MS
    records = [
        Audit(id=f"{n:026d}", create_at=now - 2 * DAY_MS - n, user_id="", action="login")
        for n in range(old)
    ]
    async with db.write() as conn:
        await audit_store.insert_many(conn, DEFAULT_TENANT_ID, records)
    log.record(ACTOR, "login", "recent")
    await log.flush()
    # A run deletes at most what it is allowed, oldest first, and never a recent record.
    assert await log.purge(max_rows=AUDIT_PURGE_BATCH + 100) == AUDIT_PURGE_BATCH + 100
    left = await log.newest(DEFAULT_TENANT_ID, "", 0, 10_000)
    assert len(left) == old - AUDIT_PURGE_BATCH - 100 + 1
    oldest_left = min(a.create_at for a in left)
    assert oldest_left == now - 2 * DAY_MS - (old - AUDIT_PURGE_BATCH - 100 - 1)
    assert await log.purge() == old - AUDIT_PURGE_BATCH - 100
    assert [a.extra_info for a in await log.newest(DEFAULT_TENANT_ID, "", 0, 10)] == ["recent"]
    # Retention 0 keeps everything.
    assert await AuditLog(db, retention_days=0).purge() == 0


async def test_a_tenant_that_cannot_be_written_is_retried_then_dropped(db: Database) -> None:
    """A moving tenant (read-only) keeps its records queued while others' are written;
    they go in once it can be written, or are dropped and counted after the attempts."""
    log = AuditLog(db)
    moving = "m" * 26
    elsewhere = Actor(moving, "v" * 26, "system_user")
    db.placements.set(moving, Placement(writable=False))
    log.record(elsewhere, "login", "while moving")
    log.record(ACTOR, "login", "at home")
    assert await log.flush() == 1
    assert log.queued == 1
    assert [a.extra_info for a in await log.newest(DEFAULT_TENANT_ID, ACTOR.user_id, 0, 5)] == [
        "at home"
    ]
    db.placements.set(moving, None)  # moved: writable again
    assert await log.flush() == 0 and log.queued == 0
    with tenant_scope(moving):
        [kept] = await log.newest(moving, "", 0, 5)
    assert kept.extra_info == "while moving"
    # Never writable: dropped after the attempts, and counted.
    db.placements.set(moving, Placement(writable=False))
    before = _dropped("failed")
    log.record(elsewhere, "login", "lost")
    for _ in range(AUDIT_MAX_ATTEMPTS - 1):
        assert await log.flush() == 1
    assert await log.flush() == 0
    assert log.queued == 0 and log.dropped == 1 and _dropped("failed") == before + 1
