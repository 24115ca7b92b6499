"""Directory (LDAP) groups linked to Roost user groups, as Mattermost's LDAP groups.

A system admin lists the directory's groups (``GET /ldap/groups``) and links one
(``POST /ldap/groups/{remote_id}/link``): a user group of source ``ldap`` with that
``remote_id`` is made (or an unlinked one brought back), named after the directory
group so that ``@name`` mentions it. Every LDAP sync then makes each linked group's
members the directory group's members (those of groups nested in it included,
``GroupDirectory.with_members``) who have a Roost account (``auth_service``
``ldap``, live): the new ones are added and those gone removed, with the groups' usual
member events; a renamed directory group's display name follows (not its ``@name``). Unlinking deletes the Roost group (it keeps its members, as a deleted
custom group does, and a later link brings it back). The custom-group routes refuse to
change these groups (``app.group.crud_permission``); only the sync does.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Iterable
from typing import Any

from roost.app.accounts.sso.errors import ldap_disabled
from roost.app.accounts.sso.ldap import SERVICE, Ldap
from roost.app.accounts.sso.ldap_directory import Entry, escaped_from_legacy
from roost.app.accounts.sso.ldap_groups import DirectoryGroup, GroupDirectory
from roost.app.kernel import errors
from roost.app.kernel.audit import AuditLog
from roost.app.kernel.context import Actor
from roost.app.messaging.errors import group_not_found, ldap_group_not_found
from roost.app.messaging.groups import RESERVED_NAMES, Groups
from roost.clock import now_ms
from roost.ids import new_id
from roost.model.events import GROUP_MEMBER_ADD, GROUP_MEMBER_DELETE
from roost.model.user_group import DISPLAY_NAME_MAX, NAME_MAX, UserGroup, member_dict
from roost.store.accounts import sso as sso_store
from roost.store.db.database import Connection, Database
from roost.store.messaging import groups as group_store
from roost.store.messaging import ldap_groups as link_store

SOURCE = "ldap"
# user_groups.remote_id's width.
REMOTE_ID_MAX = 48
PER_PAGE_MAX = 200
_INVALID = re.compile(r"[^a-z0-9.\-_]+")


def mention_name(display_name: str) -> str:
    """A valid group name from a directory group's name: lower case, runs of anything
    but ``a-z 0-9 . - _`` made one ``-``, at most 64."""
    name = _INVALID.sub("-", display_name.lower()).strip("-")[:NAME_MAX].strip("-")
    return name if name and name not in RESERVED_NAMES else "ldap-group"


class LdapGroups:
    def __init__(self, db: Database, ldap: Ldap, groups: Groups, audit: AuditLog) -> None:
        self._db = db
        self._audit = audit
        self._ldap = ldap
        self._groups = groups
        # One link at a time on this node: two links of one group make one Roost group.
        self._link_lock = asyncio.Lock()

    async def _directory(self, tenant_id: str) -> GroupDirectory:
        """The tenant's directory (its own, or the deployment's for the default tenant)."""
        directory = await self._ldap.directory_for(tenant_id)
        if directory is None:
            raise ldap_disabled()
        return GroupDirectory(directory)

    async def _checked(self, actor: Actor) -> GroupDirectory:
        if not actor.is_system_admin:
            raise errors.forbidden()
        return await self._directory(actor.tenant_id)

    # The routes.

    async def list(
        self, actor: Actor, q: str, page: int, per_page: int, is_linked: bool | None = None
    ) -> dict[str, Any]:
        """A page of the directory's groups by name (``q``: part of the name; ``is_linked``:
        only those linked, or only those not), each with the id of the Roost group
        linked to it."""
        directory = await self._checked(actor)
        found = await asyncio.to_thread(lambda: list(directory.every_group()))
        async with self._db.read() as conn:
            linked = {
                g.remote_id: g.id
                for g in await link_store.live_linked(conn, actor.tenant_id, SOURCE)
            }
        term = q.strip().lower()
        if term:
            found = [g for g in found if term in g.display_name.lower()]
        if is_linked is not None:
            found = [g for g in found if (g.remote_id in linked) == is_linked]
        found.sort(key=lambda g: (g.display_name.lower(), g.remote_id))
        chosen = found[page * per_page : (page + 1) * per_page]
        groups: list[dict[str, Any]] = []
        for group in chosen:
            linked_id = linked.get(group.remote_id)
            # Mattermost's shape: both null when the group is not linked.
            groups.append(
                {
                    "mattermost_group_id": linked_id,
                    "name": group.display_name,
                    "primary_key": group.remote_id,
                    "has_syncables": False if linked_id else None,
                }
            )
        return {"count": len(found), "groups": groups}

    async def do_link(self, actor: Actor, remote_id: str) -> tuple[UserGroup, bool]:
        """The linked group, and whether it was made now (201) rather than already
        linked or brought back (200)."""
        self._check_remote_id(remote_id)
        directory = await self._checked(actor)
        found = await asyncio.to_thread(directory.find, remote_id)
        if found is None:
            raise ldap_group_not_found()
        display_name = found.display_name[:DISPLAY_NAME_MAX]
        now = now_ms()
        tenant_id = actor.tenant_id
        async with self._link_lock, self._db.write() as conn:
            group = await link_store.get_by_remote_id(conn, tenant_id, SOURCE, remote_id)
            created = group is None
            changed = created or bool(group and group.delete_at)
            if group is None:
                group = UserGroup(
                    id=new_id(),
                    name=await self._free_name(conn, tenant_id, found),
                    display_name=display_name,
                    source=SOURCE,
                    remote_id=remote_id,
                    allow_reference=True,
                    creator_id=actor.user_id,
                    create_at=now,
                    update_at=now,
                )
                await group_store.insert(conn, tenant_id, group)
            elif group.delete_at:
                group.delete_at = 0
                group.display_name = display_name
                group.update_at = now
                await group_store.save(conn, tenant_id, group)
            counts = await group_store.member_counts(conn, tenant_id, [group.id])
            group.member_count = counts.get(group.id, 0)
        self._ldap_audit(actor, "linkLdapGroup", f"remote_id={remote_id} group={group.id}")
        if changed:
            await self._groups.publish_group(tenant_id, group)
        return group, created

    async def do_unlink(self, actor: Actor, remote_id: str) -> None:
        self._check_remote_id(remote_id)
        await self._checked(actor)
        now = now_ms()
        async with self._db.write() as conn:
            group = await link_store.get_by_remote_id(conn, actor.tenant_id, SOURCE, remote_id)
            if group is None:
                raise group_not_found()
            changed = not group.delete_at
            if changed:
                group.delete_at = group.update_at = now
                await group_store.save(conn, actor.tenant_id, group)
        self._ldap_audit(actor, "unlinkLdapGroup", f"remote_id={remote_id} group={group.id}")
        if changed:
            await self._groups.publish_group(actor.tenant_id, group)

    # The sync (Ldap.sync calls it after the users, with the directory's users).

    async def sync(self, tenant_id: str, users: Iterable[Entry]) -> None:
        async with self._db.read(primary=True) as conn:
            linked = await link_store.live_linked(conn, tenant_id, SOURCE)
        if not linked:
            return
        directory = await self._directory(tenant_id)
        # Nested groups' members count as the outer group's (GroupDirectory.with_members).
        groups = await asyncio.to_thread(lambda: {g.remote_id: g for g in directory.with_members()})
        async with self._db.read(primary=True) as conn:
            accounts = await sso_store.list_by_service(conn, tenant_id, SERVICE)
        live = {u.auth_data: u.id for u in accounts if not u.delete_at and u.auth_data}
        entries = list(users)
        for group in linked:
            source = groups.get(group.remote_id) or _legacy(groups, group.remote_id)
            # A group gone from the directory (or the filter) keeps its link and no one.
            wanted = set() if source is None else _member_ids(source, entries, live)
            await self._set_members(tenant_id, group, wanted)
            if source is not None:
                await self._rename(tenant_id, group, source.display_name[:DISPLAY_NAME_MAX])

    async def _rename(self, tenant_id: str, group: UserGroup, display_name: str) -> None:
        """A directory group renamed: its display name follows (its @name stays, so
        that people's habits and old posts keep working)."""
        if not display_name or display_name == group.display_name:
            return
        group.display_name, group.update_at = display_name, now_ms()
        async with self._db.write() as conn:
            await group_store.save(conn, tenant_id, group)
        await self._groups.publish_group(tenant_id, group)

    async def _set_members(self, tenant_id: str, group: UserGroup, wanted: set[str]) -> None:
        now = now_ms()
        async with self._db.write() as conn:
            current = set(await group_store.member_ids(conn, tenant_id, group.id))
            added = await group_store.add_members(
                conn, tenant_id, group.id, sorted(wanted - current), now
            )
            removed = await group_store.remove_members(
                conn, tenant_id, group.id, sorted(current - wanted)
            )
        await self._groups.publish_members(
            tenant_id, GROUP_MEMBER_ADD, [member_dict(group.id, uid, now) for uid in added]
        )
        await self._groups.publish_members(
            tenant_id,
            GROUP_MEMBER_DELETE,
            [member_dict(group.id, uid, at, now) for uid, at in removed.items()],
        )

    # Helpers.

    @staticmethod
    def _check_remote_id(remote_id: str) -> None:
        if not remote_id or len(remote_id) > REMOTE_ID_MAX or not remote_id.isprintable():
            raise errors.invalid_url_param("remote_id")

    def _ldap_audit(self, actor: Actor, action: str, extra: str) -> None:
        self._audit.record(actor, action, extra)

    @staticmethod
    async def _free_name(conn: Connection, tenant_id: str, found: DirectoryGroup) -> str:
        """The directory group's name made valid, with a suffix when a group or a user
        already has it (the remote id's hash: the same each time for that group)."""
        base = mention_name(found.display_name)
        suffix = hashlib.sha256(found.remote_id.encode()).hexdigest()
        for candidate in (base, f"{base[: NAME_MAX - 9]}-{suffix[:8]}", f"ldap-{suffix[:16]}"):
            if not await group_store.name_taken(
                conn, tenant_id, candidate
            ) and not await group_store.username_exists(conn, tenant_id, candidate):
                return candidate
        return f"ldap-{new_id()}"


def _legacy(groups: dict[str, DirectoryGroup], remote_id: str) -> DirectoryGroup | None:
    """A group linked by an older release, which kept a binary id as plain hex."""
    escaped = escaped_from_legacy(remote_id)
    return groups.get(escaped) if escaped else None


def _member_ids(group: DirectoryGroup, entries: list[Entry], live: dict[str, str]) -> set[str]:
    return {live[e.id] for e in group.members(entries) if e.id in live}
