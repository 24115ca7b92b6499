"""Custom user groups (``/groups``, ``/users/{user_id}/groups``), as Mattermost's.

Anyone holding ``create_custom_group`` (every user under the default roles) makes a
group; ``edit_``, ``delete_``, ``restore_custom_group`` and
``manage_custom_group_members`` change it (also every user by default, as Mattermost's
defaults). A group's name is what ``@name`` mentions: lower-case letters, digits,
``.``, ``-`` and ``_``, at most 64, not ``all``, ``channel`` or ``here``, and no user's
username. A deleted group keeps its name and members and can be restored; @mentions do
not reach it meanwhile.

A mention of a group notifies its members who are in the channel
(``GroupMentionResolver``, given to the posts domain's mentions through its
``GroupMentions`` seam). Everyone hears of a group made or changed (``received_group``);
a user added or removed hears of it (``group_member_add`` / ``group_member_deleted``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import orjson

from roost.app.accounts.permissions import Permissions
from roost.app.accounts.users import Users
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.kernel.validation import has_control_chars
from roost.app.messaging.errors import (
    group_field_invalid,
    group_members_invalid,
    group_must_be_referenceable,
    group_name_is_username,
    group_name_taken,
    group_no_remote_id,
    group_not_custom,
    group_not_found,
)
from roost.app.posts.mentions import GroupMentions
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.ids import is_valid_id, new_id
from roost.model.event import Broadcast, Event
from roost.model.events import GROUP_MEMBER_ADD, GROUP_MEMBER_DELETE, RECEIVED_GROUP
from roost.model.user_group import (
    CUSTOM,
    DESCRIPTION_MAX,
    DISPLAY_NAME_MAX,
    MAX_MEMBERS_PER_REQUEST,
    NAME_MAX,
    UserGroup,
    member_dict,
)
from roost.store.db.database import Connection, Database
from roost.store.messaging import groups as group_store
from roost.store.messaging.groups import GroupQuery

CREATE = "create_custom_group"
EDIT = "edit_custom_group"
DELETE = "delete_custom_group"
RESTORE = "restore_custom_group"
MANAGE_MEMBERS = "manage_custom_group_members"
_NAME = re.compile(r"^[a-z0-9.\-_]+$")
RESERVED_NAMES = frozenset({"all", "channel", "here"})


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not 0 < len(name) <= NAME_MAX:
        raise group_field_invalid("model.group.name.invalid_length.app_error", f"1 to {NAME_MAX}")
    if name in RESERVED_NAMES:
        raise group_field_invalid("model.group.name.reserved_name.app_error")
    if not _NAME.match(name):
        raise group_field_invalid("model.group.name.invalid_chars.app_error", "[a-z0-9.-_]")
    return name


def _check_display_name(value: object) -> str:
    if (
        not isinstance(value, str)
        or not 0 < len(value.strip()) <= DISPLAY_NAME_MAX
        or has_control_chars(value)
    ):
        raise group_field_invalid("model.group.display_name.app_error", f"1 to {DISPLAY_NAME_MAX}")
    return value.strip()


def _check_description(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > DESCRIPTION_MAX or has_control_chars(value):
        raise group_field_invalid("model.group.description.app_error", f"at most {DESCRIPTION_MAX}")
    return value


def user_id_list(value: object, required: bool = False) -> list[str]:
    if value is None and not required:
        return []
    if not isinstance(value, list) or len(value) > MAX_MEMBERS_PER_REQUEST:
        raise group_members_invalid(f"a list of at most {MAX_MEMBERS_PER_REQUEST} user ids")
    if not all(isinstance(v, str) and is_valid_id(v) for v in value):
        raise group_members_invalid("user ids")
    return list(dict.fromkeys(value))


class GroupMentionResolver(GroupMentions):
    """The groups ``@name`` mentions reach: live, mentionable, with their members."""

    async def members_of(
        self, conn: Connection, tenant_id: str, names: Sequence[str]
    ) -> dict[str, frozenset[str]]:
        return await group_store.mentionable_members(conn, tenant_id, names)


class Groups:
    def __init__(self, db: Database, bus: Bus, permissions: Permissions, users: Users) -> None:
        self._db = db
        self._bus = bus
        self._permissions = permissions
        self._users = users
        self.mentions = GroupMentionResolver()

    # Reading.

    async def get(
        self, actor: Actor, group_id: str, with_count: bool = False, with_ids: bool = False
    ) -> UserGroup:
        async with self._db.read() as conn:
            group = await self._existing(conn, actor, group_id)
            await self._fill(conn, actor.tenant_id, [group], with_count, with_ids)
        return group

    async def search(
        self, actor: Actor, query: GroupQuery, with_count: bool, with_ids: bool
    ) -> list[UserGroup]:
        query.tenant_id = actor.tenant_id
        async with self._db.read() as conn:
            found = await group_store.search(conn, query)
            await self._fill(conn, actor.tenant_id, found, with_count, with_ids)
        return found

    async def count(self, actor: Actor, source: str = "") -> int:
        """Every live group of the tenant, or of one source (``include_total_count``)."""
        async with self._db.read() as conn:
            return await group_store.count_live(conn, actor.tenant_id, source)

    async def for_user(self, actor: Actor, user_id: str) -> list[UserGroup]:
        """A user's groups: their own, or anyone's for a system admin (Mattermost's
        ``manage_system``)."""
        if user_id != actor.user_id and not actor.is_system_admin:
            raise errors.forbidden()
        query = GroupQuery(actor.tenant_id, has_member=user_id, limit=10_000)
        async with self._db.read() as conn:
            found = await group_store.search(conn, query)
            await self._fill(conn, actor.tenant_id, found, True, False)
        return found

    async def members(
        self, actor: Actor, group_id: str, offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        async with self._db.read() as conn:
            group = await self._existing(conn, actor, group_id)
            ids = await group_store.member_page(conn, actor.tenant_id, group.id, offset, limit)
            total = (await group_store.member_counts(conn, actor.tenant_id, [group.id])).get(
                group.id, 0
            )
        users = await self._users.get_many(actor.tenant_id, ids)
        return self._users.profiles(actor, users), total

    async def stats(self, actor: Actor, group_id: str) -> dict[str, Any]:
        group = await self.get(actor, group_id, with_count=True)
        return {"group_id": group.id, "total_member_count": group.member_count or 0}

    # Changes.

    async def do_create(self, actor: Actor, body: dict[str, Any]) -> UserGroup:
        if body.get("source") != CUSTOM:
            raise group_not_custom()
        await self._permissions.check(actor, CREATE)
        if body.get("allow_reference") is not True:
            raise group_must_be_referenceable()
        if body.get("remote_id"):
            raise group_no_remote_id()
        now = now_ms()
        group = UserGroup(
            id=new_id(),
            name=_check_name(body.get("name")),
            display_name=_check_display_name(body.get("display_name")),
            description=_check_description(body.get("description")),
            creator_id=actor.user_id,
            create_at=now,
            update_at=now,
        )
        user_ids = user_id_list(body.get("user_ids"))
        await self._check_users(actor, user_ids)
        async with self._db.write() as conn:
            await self._check_name_free(conn, actor.tenant_id, group.name, group.id)
            await group_store.insert(conn, actor.tenant_id, group)
            await group_store.add_members(conn, actor.tenant_id, group.id, user_ids, now)
            await self._fill(conn, actor.tenant_id, [group], True, False)
        await self._publish_group(actor.tenant_id, group)
        return group

    async def do_patch(self, actor: Actor, group_id: str, body: dict[str, Any]) -> UserGroup:
        async with self._db.read() as conn:
            group = await self._existing(conn, actor, group_id)
        if group.source != CUSTOM:
            raise group_not_custom()
        await self._permissions.check(actor, EDIT)
        if body.get("allow_reference") is False:
            raise group_must_be_referenceable()
        if "name" in body and body["name"] is not None:
            group.name = _check_name(body["name"])
        if "display_name" in body and body["display_name"] is not None:
            group.display_name = _check_display_name(body["display_name"])
        if "description" in body:
            group.description = _check_description(body["description"])
        group.update_at = now_ms()
        async with self._db.write() as conn:
            await self._check_name_free(conn, actor.tenant_id, group.name, group.id)
            await group_store.save(conn, actor.tenant_id, group)
            await self._fill(conn, actor.tenant_id, [group], True, False)
        await self._publish_group(actor.tenant_id, group)
        return group

    async def do_delete(self, actor: Actor, group_id: str) -> UserGroup:
        return await self._set_deleted(actor, group_id, DELETE, deleted=True)

    async def do_restore(self, actor: Actor, group_id: str) -> UserGroup:
        return await self._set_deleted(actor, group_id, RESTORE, deleted=False)

    async def _set_deleted(
        self, actor: Actor, group_id: str, permission: str, deleted: bool
    ) -> UserGroup:
        async with self._db.read() as conn:
            group = await self._existing(conn, actor, group_id)
        if group.source != CUSTOM:
            raise group_not_custom()
        await self._permissions.check(actor, permission)
        now = now_ms()
        async with self._db.write() as conn:
            current = await self._existing(conn, actor, group_id)
            # Deleting a deleted group, or restoring a live one: nothing to find.
            if bool(current.delete_at) == deleted:
                raise group_not_found()
            current.delete_at = now if deleted else 0
            current.update_at = now
            await group_store.save(conn, actor.tenant_id, current)
            await self._fill(conn, actor.tenant_id, [current], True, False)
        await self._publish_group(actor.tenant_id, current)
        return current

    async def do_add_members(
        self, actor: Actor, group_id: str, body: dict[str, Any]
    ) -> list[dict[str, Any]]:
        group = await self._for_member_change(actor, group_id)
        user_ids = user_id_list(body.get("user_ids"), required=True)
        await self._check_users(actor, user_ids)
        now = now_ms()
        async with self._db.write() as conn:
            added = await group_store.add_members(conn, actor.tenant_id, group.id, user_ids, now)
        members = [member_dict(group.id, uid, now) for uid in added]
        await self._publish_members(actor.tenant_id, GROUP_MEMBER_ADD, members)
        return members

    async def do_remove_members(
        self, actor: Actor, group_id: str, body: dict[str, Any]
    ) -> list[dict[str, Any]]:
        group = await self._for_member_change(actor, group_id)
        user_ids = user_id_list(body.get("user_ids"), required=True)
        now = now_ms()
        async with self._db.write() as conn:
            removed = await group_store.remove_members(conn, actor.tenant_id, group.id, user_ids)
        members = [member_dict(group.id, uid, at, now) for uid, at in removed.items()]
        await self._publish_members(actor.tenant_id, GROUP_MEMBER_DELETE, members)
        return members

    # Helpers.

    async def _existing(self, conn: Connection, actor: Actor, group_id: str) -> UserGroup:
        group = await group_store.get(conn, actor.tenant_id, group_id)
        if group is None:
            raise group_not_found()
        return group

    async def _for_member_change(self, actor: Actor, group_id: str) -> UserGroup:
        async with self._db.read() as conn:
            group = await self._existing(conn, actor, group_id)
        if group.source != CUSTOM:
            raise group_not_custom()
        if group.delete_at:
            raise group_not_found()
        await self._permissions.check(actor, MANAGE_MEMBERS)
        return group

    async def _check_users(self, actor: Actor, user_ids: list[str]) -> None:
        if not user_ids:
            return
        found = await self._users.get_many(actor.tenant_id, user_ids)
        live = {u.id for u in found if not u.delete_at}
        missing = [uid for uid in user_ids if uid not in live]
        if missing:
            raise group_members_invalid(f"no active user {missing[0]}")

    async def _check_name_free(
        self, conn: Connection, tenant_id: str, name: str, group_id: str
    ) -> None:
        if await group_store.name_taken(conn, tenant_id, name, but=group_id):
            raise group_name_taken()
        if await group_store.username_exists(conn, tenant_id, name):
            raise group_name_is_username()

    @staticmethod
    async def _fill(
        conn: Connection,
        tenant_id: str,
        groups: list[UserGroup],
        with_count: bool,
        with_ids: bool,
    ) -> None:
        if with_count:
            counts = await group_store.member_counts(conn, tenant_id, [g.id for g in groups])
            for group in groups:
                group.member_count = counts.get(group.id, 0)
        if with_ids:
            for group in groups:
                group.member_ids = await group_store.member_ids(conn, tenant_id, group.id)

    async def _publish_group(self, tenant_id: str, group: UserGroup) -> None:
        data = {"group": orjson.dumps(group.to_dict()).decode()}
        # To everyone of the tenant, as Mattermost's (a group is visible to all).
        await self._bus.publish([Event(tenant_id, RECEIVED_GROUP, data, Broadcast())])

    async def _publish_members(
        self, tenant_id: str, name: str, members: list[dict[str, Any]]
    ) -> None:
        events = [
            Event(
                tenant_id,
                name,
                {"group_member": orjson.dumps(member).decode()},
                Broadcast(recipients=frozenset({member["user_id"]}), user_id=member["user_id"]),
            )
            for member in members
        ]
        if events:
            await self._bus.publish(events)

    # For the groups other services keep (LDAP-linked groups): the same events.

    async def publish_group(self, tenant_id: str, group: UserGroup) -> None:
        await self._publish_group(tenant_id, group)

    async def publish_members(
        self, tenant_id: str, name: str, members: list[dict[str, Any]]
    ) -> None:
        await self._publish_members(tenant_id, name, members)
