"""Data retention: the global policy (``DataRetentionSettings``, through the config API)
and Mattermost's granular policies (``/data_retention/policies``: days to keep the posts
of some teams and channels), and the deletion they call for.

Which posts expire: a channel in a policy keeps its posts that policy's days; otherwise
a channel of a team in a policy, the team's; otherwise the global policy's when message
deletion is on (``-1`` days: forever). The deletion job (``app/admin/jobs.py``) takes
the channels in groups of one cutoff, and deletes ``DataRetentionSettings.BatchSize``
expired posts per transaction with what hangs on them: a root's replies (even newer
ones: a thread goes with its root), reactions, thread rows and file records; the file
objects go once the transaction has committed. Between batches it pauses
(``TimeBetweenBatchesMilliseconds``, and at least as long as the batch took) so other
requests keep their speed, and reports
its progress (the job's ``progress`` and ``data``). With file deletion on, files older
than ``FileRetentionDays`` go too, whatever their post.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from roost.app.accounts.permissions import Permissions
from roost.app.admin import errors
from roost.app.kernel.context import Actor
from roost.clock import now_ms
from roost.config.administration import AdministrationSettings
from roost.filestore import FileStore
from roost.filestore.keys import all_keys
from roost.ids import is_valid_id, new_id
from roost.model.retention import KEEP_FOREVER, RetentionPolicy
from roost.store.admin import retention as store
from roost.store.db.database import Database

MANAGE_SYSTEM = "manage_system"
DAY_MS = 86_400_000
CHANNELS_PER_QUERY = 500
MAX_IDS = 1000
DISPLAY_NAME_MAX = 64
KINDS = ("team", "channel")

# (progress percent, data so far) -> False when the job should stop (cancel asked).
Report = Callable[[int, dict[str, Any]], Awaitable[bool]]


def _duration(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise errors.invalid_retention("post_duration", "a whole number of days")
    if value != KEEP_FOREVER and value < 1:
        raise errors.invalid_retention("post_duration", "at least 1 day, or -1 for forever")
    return value


def _display_name(value: Any) -> str:
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= DISPLAY_NAME_MAX:
        raise errors.invalid_retention("display_name", f"1 to {DISPLAY_NAME_MAX} characters")
    return value.strip()


def _ids(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if (
        not isinstance(value, list)
        or len(value) > MAX_IDS
        or not all(isinstance(v, str) and is_valid_id(v) for v in value)
    ):
        raise errors.invalid_retention(name, "a list of ids")
    return list(dict.fromkeys(value))


class Retention:
    def __init__(
        self,
        db: Database,
        files: FileStore,
        permissions: Permissions,
        settings: AdministrationSettings,
    ) -> None:
        self._db = db
        self._files = files
        self._permissions = permissions
        self._settings = settings  # live: read in the tenant's scope

    # The global policy.

    async def global_policy(self, actor: Actor) -> dict[str, Any]:
        await self._permissions.check(actor, MANAGE_SYSTEM)
        s, now = self._settings, now_ms()
        messages, files = (
            s.data_retention_enable_message_deletion,
            s.data_retention_enable_file_deletion,
        )
        return {
            "message_deletion_enabled": messages,
            "file_deletion_enabled": files,
            "message_retention_cutoff": (
                now - s.data_retention_message_retention_days * DAY_MS if messages else 0
            ),
            "file_retention_cutoff": now - s.data_retention_file_retention_days * DAY_MS
            if files
            else 0,
        }

    # Granular policies.

    async def do_create(self, actor: Actor, body: dict[str, Any]) -> RetentionPolicy:
        await self._permissions.check(actor, MANAGE_SYSTEM)
        policy = RetentionPolicy(
            new_id(), _display_name(body.get("display_name")), _duration(body.get("post_duration"))
        )
        members = {k: _ids(body.get(f"{k}_ids"), f"{k}_ids") for k in KINDS}
        async with self._db.write() as conn:
            for kind, ids in members.items():
                await self._check_exist(conn, actor.tenant_id, kind, ids)
            await store.insert_policy(conn, actor.tenant_id, policy, now_ms())
            for kind, ids in members.items():
                await store.add_members(conn, actor.tenant_id, kind, policy.id, ids)
        return await self.get(actor, policy.id)

    async def _check_exist(self, conn: Any, tenant_id: str, kind: str, ids: Sequence[str]) -> None:
        if ids:
            found = await store.existing(conn, tenant_id, kind, ids)
            missing = [i for i in ids if i not in found]
            if missing:
                raise errors.invalid_retention(f"{kind}_ids", f"no such {kind}: {missing[0]}")

    async def get(self, actor: Actor, policy_id: str) -> RetentionPolicy:
        await self._permissions.check(actor, MANAGE_SYSTEM)
        async with self._db.read(primary=True) as conn:
            found = await store.policies(conn, actor.tenant_id, policy_id)
        if not found:
            raise errors.retention_policy_not_found()
        return found[0]

    async def page(
        self, actor: Actor, offset: int, limit: int
    ) -> tuple[list[RetentionPolicy], int]:
        await self._permissions.check(actor, MANAGE_SYSTEM)
        async with self._db.read() as conn:
            listed = await store.policies(conn, actor.tenant_id, "", offset, limit)
            total = await store.count_policies(conn, actor.tenant_id)
        return listed, total

    async def do_patch(self, actor: Actor, policy_id: str, body: dict[str, Any]) -> RetentionPolicy:
        await self.get(actor, policy_id)
        values: dict[str, Any] = {}
        if "display_name" in body:
            values["display_name"] = _display_name(body["display_name"])
        if "post_duration" in body:
            values["post_duration"] = _duration(body["post_duration"])
        members = {k: _ids(body.get(f"{k}_ids"), f"{k}_ids") for k in KINDS if f"{k}_ids" in body}
        async with self._db.write() as conn:
            for kind, ids in members.items():
                await self._check_exist(conn, actor.tenant_id, kind, ids)
            await store.update_policy(conn, actor.tenant_id, policy_id, values)
            for kind, ids in members.items():
                await store.add_members(conn, actor.tenant_id, kind, policy_id, ids)
        return await self.get(actor, policy_id)

    async def do_delete(self, actor: Actor, policy_id: str) -> None:
        await self._permissions.check(actor, MANAGE_SYSTEM)
        async with self._db.write() as conn:
            if not await store.delete_policy(conn, actor.tenant_id, policy_id):
                raise errors.retention_policy_not_found()

    async def members(
        self, actor: Actor, kind: str, policy_id: str, offset: int, limit: int
    ) -> list[str]:
        await self.get(actor, policy_id)
        async with self._db.read(primary=True) as conn:
            return await store.members(conn, actor.tenant_id, kind, policy_id, offset, limit)

    async def do_change_members(
        self, actor: Actor, kind: str, policy_id: str, ids: Any, adding: bool
    ) -> None:
        await self.get(actor, policy_id)
        checked = _ids(ids, f"{kind}_ids")
        async with self._db.write() as conn:
            if adding:
                await self._check_exist(conn, actor.tenant_id, kind, checked)
                await store.add_members(conn, actor.tenant_id, kind, policy_id, checked)
            elif checked:
                await store.remove_members(conn, actor.tenant_id, kind, policy_id, checked)

    async def user_policies(
        self, actor: Actor, kind: str, user_id: str, offset: int, limit: int
    ) -> list[dict[str, Any]]:
        """The policies over a user's teams (channels): the user's own, or anyone's for
        a system admin (Mattermost's ``/users/{id}/data_retention/...``)."""
        if user_id != actor.user_id:
            await self._permissions.check(actor, MANAGE_SYSTEM)
        async with self._db.read() as conn:
            rows = await store.user_policies(conn, actor.tenant_id, kind, user_id, offset, limit)
        return [{f"{kind}_id": i, "post_duration": d} for i, d in rows]

    # The deletion (the job's work, in the tenant's scope).

    async def run(self, tenant_id: str, report: Report) -> dict[str, Any]:
        s = self._settings
        batch = s.data_retention_batch_size
        pause = s.data_retention_time_between_batches_ms / 1000
        now = now_ms()
        groups = await self._expiring_channels(tenant_id, now)
        chunks = [
            (cutoff, ids[i : i + CHANNELS_PER_QUERY])
            for cutoff, ids in sorted(groups.items())
            for i in range(0, len(ids), CHANNELS_PER_QUERY)
        ]
        data: dict[str, Any] = {"posts_deleted": 0, "files_deleted": 0}
        steps = len(chunks) + 1
        for done, (cutoff, channel_ids) in enumerate(chunks):
            while True:
                started = time.monotonic()
                async with self._db.read(primary=True) as conn:
                    expired = await store.expired_posts(conn, tenant_id, channel_ids, cutoff, batch)
                if not expired:
                    break
                await self._delete_posts(tenant_id, expired, data)
                if not await report(100 * done // steps, data):
                    return data
                # At least as long as the batch took: the job takes at most half of the
                # database's time, whatever the batch size.
                await asyncio.sleep(max(pause, time.monotonic() - started))
        if s.data_retention_enable_file_deletion:
            cutoff = now - s.data_retention_file_retention_days * DAY_MS
            while True:
                async with self._db.write() as conn:
                    ids = await store.expired_files(conn, tenant_id, cutoff, batch)
                    await store.forget_files(conn, tenant_id, ids)
                if not ids:
                    break
                await self._files.delete([k for f in ids for k in all_keys(tenant_id, f)])
                data["files_deleted"] += len(ids)
                if not await report(100 * len(chunks) // steps, data):
                    return data
                await asyncio.sleep(pause)
        return data

    async def _expiring_channels(self, tenant_id: str, now: int) -> dict[int, list[str]]:
        """Channel ids by the cutoff before which their posts expire."""
        s = self._settings
        global_days = (
            s.data_retention_message_retention_days
            if s.data_retention_enable_message_deletion
            else None
        )
        async with self._db.read(primary=True) as conn:
            by_team, by_channel = await store.durations(conn, tenant_id)
            channel_teams = await store.channel_teams(conn, tenant_id)
        groups: dict[int, list[str]] = {}
        for channel_id, team_id in channel_teams:
            if channel_id in by_channel:
                days: int | None = by_channel[channel_id]
            elif team_id in by_team:
                days = by_team[team_id]
            else:
                days = global_days
            if days is None or days == KEEP_FOREVER:
                continue
            groups.setdefault(now - days * DAY_MS, []).append(channel_id)
        return groups

    async def _delete_posts(
        self, tenant_id: str, expired: list[tuple[str, str]], data: dict[str, Any]
    ) -> None:
        ids = [post_id for post_id, _ in expired]
        roots = [post_id for post_id, root_id in expired if not root_id]
        async with self._db.write() as conn:
            replies = await store.replies_of(conn, tenant_id, roots) if roots else []
            every = list(dict.fromkeys(ids + replies))
            files = await store.delete_posts(conn, tenant_id, every)
        if files:
            await self._files.delete([k for f in files for k in all_keys(tenant_id, f)])
        data["posts_deleted"] += len(every)
        data["files_deleted"] += len(files)
