"""Sidebar categories: each user's grouping of a team's channels (Favorites, Channels,
Direct Messages and their own), with Mattermost's rules.

Only explicit placements are stored. A channel the user is in that no category holds
shows first in Channels (team channels) or Direct Messages (direct and group channels),
worked out when read: creating a channel, joining one or opening a DM writes nothing
here. The defaults are made on first use, with ids made from the user and team so two
first loads at once make them once. Every change is one transaction; events go out
after it commits.

Favorites and the ``favorite_channel`` preference follow each other: moving channels
into or out of Favorites here writes or deletes the preference; saving or deleting the
preference (``Preferences``, which calls this as its ``PreferenceListener``) moves the
channel. Muting a category, or moving a channel into a muted one, sets the members'
``mark_unread`` to "mention" (unmuting: "all"), as Mattermost does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from roost.app.accounts.preferences import PreferenceListener, preferences_event
from roost.app.channels.channels import team_not_found
from roost.app.channels.errors import (
    delete_default_category,
    invalid_category_order,
    sidebar_category_not_found,
    sidebar_channel_invalid,
    too_many_categories,
)
from roost.app.channels.sidebar import (
    category_from_body,
    default_categories,
    fill,
    mute_changes,
    renumbered,
)
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.ids import new_id
from roost.model.category import (
    CUSTOM,
    DIRECT_MESSAGES,
    FAVORITE_CHANNEL,
    FAVORITES,
    SORT_DISTANCE,
    SidebarCategory,
    SidebarChannel,
    is_valid_category_id,
)
from roost.model.channel import ChannelMember
from roost.model.event import Broadcast, Event
from roost.model.events import (
    CHANNEL_MEMBER_UPDATED,
    PREFERENCES_CHANGED,
    PREFERENCES_DELETED,
    SIDEBAR_CATEGORY_CREATED,
    SIDEBAR_CATEGORY_DELETED,
    SIDEBAR_CATEGORY_ORDER_UPDATED,
    SIDEBAR_CATEGORY_UPDATED,
)
from roost.model.user import Preference
from roost.store.accounts import preferences as pref_store
from roost.store.channels import categories as store
from roost.store.channels import members as member_store
from roost.store.channels import teams as team_store
from roost.store.db.database import Connection, Database

# Categories a user may have in one team (the three defaults included), and categories
# one update may name.
MAX_CATEGORIES_PER_TEAM = 100
MAX_CATEGORIES_PER_CALL = 100
MUTED, UNMUTED = "mention", "all"


class Categories(PreferenceListener):
    def __init__(self, db: Database, bus: Bus) -> None:
        self._db = db
        self._bus = bus

    # Reads.

    async def for_team(
        self, actor: Actor, user_id: str, team_id: str
    ) -> tuple[list[SidebarCategory], list[str]]:
        """The user's categories in the team, in order, with their channels; made on
        first use. Empty for someone not (or no longer) in the team."""
        _check_user(actor, user_id)
        async with self._db.read() as conn:
            if not await _in_team(conn, actor.tenant_id, user_id, team_id):
                return [], []
            categories = await store.list_categories(conn, actor.tenant_id, user_id, team_id)
            if categories:
                await _fill(conn, actor.tenant_id, user_id, team_id, categories)
        if not categories:
            async with self._db.write() as conn:
                categories = await _ensure(conn, actor.tenant_id, user_id, team_id)
                await _fill(conn, actor.tenant_id, user_id, team_id, categories)
        return categories, [c.id for c in categories]

    async def order(self, actor: Actor, user_id: str, team_id: str) -> list[str]:
        _check_user(actor, user_id)
        async with self._db.read() as conn:
            if not await _in_team(conn, actor.tenant_id, user_id, team_id):
                return []
            categories = await store.list_categories(conn, actor.tenant_id, user_id, team_id)
        return [c.id for c in categories]

    async def get(
        self, actor: Actor, user_id: str, team_id: str, category_id: str
    ) -> SidebarCategory:
        _check_user(actor, user_id)
        _check_category_id(category_id)
        async with self._db.read() as conn:
            await _in_team(conn, actor.tenant_id, user_id, team_id)
            categories = await store.list_categories(conn, actor.tenant_id, user_id, team_id)
            category = _owned(actor, categories, category_id)
            await _fill(conn, actor.tenant_id, user_id, team_id, categories)
        return category

    # Changes.

    async def do_create(
        self, actor: Actor, user_id: str, team_id: str, body: Any
    ) -> SidebarCategory:
        """A custom category, placed after Favorites (or first), holding the channels
        listed (taken out of the categories they were in)."""
        _check_user(actor, user_id)
        wanted = category_from_body(body)
        if wanted.user_id != user_id or wanted.team_id != team_id:
            raise errors.invalid_body_param("category")
        if not wanted.display_name.strip():
            raise errors.invalid_body_param("display_name")
        tenant = actor.tenant_id
        async with self._db.write() as conn:
            if not await _in_team(conn, tenant, user_id, team_id):
                raise sidebar_category_not_found()
            categories = await _ensure(conn, tenant, user_id, team_id)
            if len(categories) >= MAX_CATEGORIES_PER_TEAM:
                raise too_many_categories(MAX_CATEGORIES_PER_TEAM)
            member_of = await store.sidebar_channels_of(conn, tenant, user_id, team_id)
            _check_channels(member_of, [wanted.channel_ids])
            before = await _filled_copy(conn, tenant, user_id, team_id, categories)
            created = SidebarCategory(
                id=new_id(),
                user_id=user_id,
                team_id=team_id,
                type=CUSTOM,
                display_name=wanted.display_name,
                sorting=wanted.sorting,
                muted=wanted.muted,
            )
            order = [c.id for c in categories]
            at = 1 if categories and categories[0].type == FAVORITES else 0
            order.insert(at, created.id)
            await store.insert_categories(conn, tenant, [created])
            await store.set_sort_orders(conn, tenant, renumbered(order))
            await store.replace_placements(
                conn, tenant, user_id, team_id, {created.id: wanted.channel_ids}, SORT_DISTANCE
            )
            created.sort_order = at * SORT_DISTANCE
            created.channel_ids = list(wanted.channel_ids)
            # The channels came out of other categories: favourites no longer, and muted
            # or unmuted to match the new one.
            after = [*(_copy(c) for c in before), created]
            _take_out(after, created)
            prefs = await _sync_favorites(conn, tenant, user_id, [], [created])
            members = await _sync_mute(conn, tenant, user_id, [*before, _empty(created)], after)
        payload = orjson.dumps(created.to_dict()).decode()
        await self._bus.publish(
            [
                _event(
                    tenant,
                    SIDEBAR_CATEGORY_CREATED,
                    user_id,
                    team_id,
                    {
                        "category_id": created.id,
                        "category": payload,
                    },
                ),
                *prefs,
                *_member_events(tenant, members),
            ]
        )
        return created

    async def do_update(
        self, actor: Actor, user_id: str, team_id: str, bodies: Any, category_id: str = ""
    ) -> list[SidebarCategory]:
        """Update categories (one, when ``category_id`` names it): their names (custom
        ones only), sorting, muted, collapsed and channels. Ids, owners, types and places
        are kept as stored; Direct Messages keep their channels and are never muted."""
        _check_user(actor, user_id)
        if category_id:
            _check_category_id(category_id)
            wanted = category_from_body(bodies)
            if wanted.user_id != user_id or wanted.team_id != team_id:
                raise errors.invalid_body_param("category")
            wanted.id = category_id
            requested = [wanted]
        else:
            if not isinstance(bodies, list) or len(bodies) > MAX_CATEGORIES_PER_CALL:
                raise errors.invalid_body_param("category")
            requested = [category_from_body(b) for b in bodies]
        if len({c.id for c in requested}) != len(requested):
            raise errors.invalid_body_param("category")
        tenant = actor.tenant_id
        async with self._db.write() as conn:
            await _in_team(conn, tenant, user_id, team_id)
            categories = await store.list_categories(conn, tenant, user_id, team_id)
            by_id = {c.id: c for c in categories}
            for c in requested:
                if c.id not in by_id:
                    if category_id:
                        _owned(actor, categories, c.id)
                    raise errors.invalid_body_param("category")
            member_of = await store.sidebar_channels_of(conn, tenant, user_id, team_id)
            _check_channels(member_of, [c.channel_ids for c in requested])
            current = await _filled_copy(conn, tenant, user_id, team_id, categories)
            current_by_id = {c.id: c for c in current}
            original = [current_by_id[c.id] for c in requested]
            updated = [_merge(by_id[c.id], c) for c in requested]
            for c in updated:
                await store.update_category(conn, tenant, c)
            placed = {c.id: c.channel_ids for c in updated if c.type != DIRECT_MESSAGES}
            released = [cid for c in updated if c.type == DIRECT_MESSAGES for cid in c.channel_ids]
            await store.replace_placements(
                conn, tenant, user_id, team_id, placed, SORT_DISTANCE, released
            )
            prefs = await _sync_favorites(conn, tenant, user_id, original, updated)
            await _fill(conn, tenant, user_id, team_id, categories)
            result = [by_id[c.id] for c in updated]
            members = await _sync_mute(conn, tenant, user_id, original, result)
        data = {"updatedCategories": orjson.dumps([c.to_dict() for c in result]).decode()}
        await self._bus.publish(
            [
                _event(tenant, SIDEBAR_CATEGORY_UPDATED, user_id, team_id, data),
                *prefs,
                *_member_events(tenant, members),
            ]
        )
        return result

    async def do_set_order(self, actor: Actor, user_id: str, team_id: str, order: Any) -> list[str]:
        _check_user(actor, user_id)
        if not isinstance(order, list) or not all(isinstance(i, str) for i in order):
            raise errors.invalid_body_param("category")
        if len(order) > MAX_CATEGORIES_PER_TEAM:
            raise errors.invalid_body_param("category")
        tenant = actor.tenant_id
        async with self._db.write() as conn:
            await _in_team(conn, tenant, user_id, team_id)
            existing = [c.id for c in await store.list_categories(conn, tenant, user_id, team_id)]
            if any(i not in existing for i in order):
                raise errors.invalid_body_param("category")
            if len(order) != len(existing) or set(order) != set(existing):
                raise invalid_category_order()
            await store.set_sort_orders(conn, tenant, renumbered(order))
        await self._bus.publish(
            [_event(tenant, SIDEBAR_CATEGORY_ORDER_UPDATED, user_id, team_id, {"order": order})]
        )
        return list(order)

    async def do_delete(self, actor: Actor, user_id: str, team_id: str, category_id: str) -> None:
        """Delete a custom category; its channels go back to Channels or Direct Messages."""
        _check_user(actor, user_id)
        _check_category_id(category_id)
        tenant = actor.tenant_id
        async with self._db.write() as conn:
            await _in_team(conn, tenant, user_id, team_id)
            categories = await store.list_categories(conn, tenant, user_id, team_id)
            category = _owned(actor, categories, category_id)
            if category.type != CUSTOM:
                raise delete_default_category()
            await store.delete_category(conn, tenant, category_id)
        await self._bus.publish(
            [
                _event(
                    tenant, SIDEBAR_CATEGORY_DELETED, user_id, team_id, {"category_id": category_id}
                )
            ]
        )

    # The favorite_channel preference, inside the preferences' transaction.

    async def preferences_saved(
        self, conn: Connection, tenant_id: str, user_id: str, prefs: Sequence[Preference]
    ) -> list[Event]:
        """A channel marked favourite goes to the top of Favorites (its team's; every
        team's for a direct or group channel); marked "false", it leaves them."""
        touched: set[tuple[str, str]] = set()
        for p in prefs:
            if p.category != FAVORITE_CHANNEL:
                continue
            if p.value == "false":
                touched |= await _unfavorite(conn, tenant_id, user_id, p.name)
                continue
            team_id = await store.channel_team(conn, tenant_id, user_id, p.name)
            if team_id is None:
                continue  # not a channel of theirs: nothing to place
            for favorites in await store.favorites_categories(conn, tenant_id, user_id):
                if team_id and favorites.team_id != team_id:
                    continue
                source = await store.place_first(conn, tenant_id, favorites, p.name, SORT_DISTANCE)
                touched.add((favorites.team_id, favorites.id))
                if source is not None:
                    touched.add((favorites.team_id, source))
        return await _updated_events(conn, tenant_id, user_id, touched)

    async def preferences_deleted(
        self, conn: Connection, tenant_id: str, user_id: str, prefs: Sequence[Preference]
    ) -> list[Event]:
        touched: set[tuple[str, str]] = set()
        for p in prefs:
            if p.category == FAVORITE_CHANNEL:
                touched |= await _unfavorite(conn, tenant_id, user_id, p.name)
        return await _updated_events(conn, tenant_id, user_id, touched)


# Checks.


def _check_user(actor: Actor, user_id: str) -> None:
    """Only the user themselves, or a system admin (Mattermost's edit_other_users)."""
    if actor.user_id != user_id and not actor.is_system_admin:
        raise errors.forbidden("edit_other_users")


def _check_category_id(category_id: str) -> None:
    if not is_valid_category_id(category_id):
        raise errors.invalid_url_param("category_id")


def _owned(
    actor: Actor, categories: Sequence[SidebarCategory], category_id: str
) -> SidebarCategory:
    """The category of this user and team. Another's (or none) is a permission error, as
    in Mattermost; an admin, who may see anyone's, is told it is not there."""
    for c in categories:
        if c.id == category_id:
            return c
    if actor.is_system_admin:
        raise sidebar_category_not_found()
    raise errors.forbidden("edit_other_users")


async def _in_team(conn: Connection, tenant_id: str, user_id: str, team_id: str) -> bool:
    """Whether the user is in the (existing) team; a team that is not there is a 404."""
    team = await team_store.get_team(conn, tenant_id, team_id)
    if team is None or team.delete_at:
        raise team_not_found()
    return await team_store.get_active_member(conn, tenant_id, team_id, user_id) is not None


def _check_channels(member_of: Iterable[SidebarChannel], lists: Iterable[Sequence[str]]) -> None:
    """Every channel listed is the user's, in this team or a direct or group one (archived
    ones too), and is listed once."""
    allowed = {c.id for c in member_of}
    seen: set[str] = set()
    for ids in lists:
        for channel_id in ids:
            if channel_id not in allowed:
                raise sidebar_channel_invalid()
            if channel_id in seen:
                raise errors.invalid_body_param("channel_ids")
            seen.add(channel_id)


def _merge(stored: SidebarCategory, wanted: SidebarCategory) -> SidebarCategory:
    """What an update may change of a stored category; ``stored`` is updated in place."""
    if stored.type == CUSTOM:
        if not wanted.display_name.strip():
            raise errors.invalid_body_param("display_name")
        stored.display_name = wanted.display_name
    stored.sorting = wanted.sorting
    stored.collapsed = wanted.collapsed
    if stored.type == DIRECT_MESSAGES:
        # Its channels are never stored (they follow from the user's DMs); Mattermost
        # ignores the list and keeps it unmuted, but uses the list to drop favourites.
        stored.channel_ids = list(wanted.channel_ids)
    else:
        stored.muted = wanted.muted
        stored.channel_ids = list(wanted.channel_ids)
    return stored


# Helpers inside a transaction.


async def _ensure(
    conn: Connection, tenant_id: str, user_id: str, team_id: str
) -> list[SidebarCategory]:
    """The user's categories in the team, the missing defaults made first (Favorites
    taking the channels the favorite_channel preference marks, by name)."""
    categories = await store.list_categories(conn, tenant_id, user_id, team_id)
    have = {c.type for c in categories}
    missing = [c for c in default_categories(user_id, team_id) if c.type not in have]
    if not missing:
        return categories
    await store.insert_categories(conn, tenant_id, missing)
    favorites = next((c for c in missing if c.type == FAVORITES), None)
    if favorites is not None:
        marked = await store.favorite_channel_ids(conn, tenant_id, user_id)
        if marked:
            member_of = await store.sidebar_channels_of(conn, tenant_id, user_id, team_id)
            # By display name, as read.
            chosen = [c.id for c in member_of if c.id in marked]
            await store.insert_placements(conn, tenant_id, favorites, chosen, SORT_DISTANCE)
    return await store.list_categories(conn, tenant_id, user_id, team_id)


async def _fill(
    conn: Connection,
    tenant_id: str,
    user_id: str,
    team_id: str,
    categories: Sequence[SidebarCategory],
) -> None:
    placed = await store.placements(conn, tenant_id, user_id, team_id)
    member_of = await store.sidebar_channels_of(conn, tenant_id, user_id, team_id)
    fill(categories, placed, member_of)


async def _filled_copy(
    conn: Connection,
    tenant_id: str,
    user_id: str,
    team_id: str,
    categories: Sequence[SidebarCategory],
) -> list[SidebarCategory]:
    copies = [_copy(c) for c in categories]
    await _fill(conn, tenant_id, user_id, team_id, copies)
    return copies


def _copy(c: SidebarCategory) -> SidebarCategory:
    return SidebarCategory(
        c.id,
        c.user_id,
        c.team_id,
        c.type,
        c.display_name,
        c.sort_order,
        c.sorting,
        c.muted,
        c.collapsed,
        list(c.channel_ids),
    )


def _empty(c: SidebarCategory) -> SidebarCategory:
    copy = _copy(c)
    copy.channel_ids = []
    return copy


def _take_out(categories: Sequence[SidebarCategory], into: SidebarCategory) -> None:
    """The channels of ``into`` are in no other of these categories."""
    moved = set(into.channel_ids)
    for c in categories:
        if c is not into:
            c.channel_ids = [cid for cid in c.channel_ids if cid not in moved]


async def _sync_favorites(
    conn: Connection,
    tenant_id: str,
    user_id: str,
    original: Sequence[SidebarCategory],
    updated: Sequence[SidebarCategory],
) -> list[Event]:
    """The favorite_channel preference follows Favorites (Mattermost's rule): updating
    Favorites unmarks what was in it and marks what is; updating another category
    unmarks what it now holds. Returns the preference events for what really changed."""
    unmark: set[str] = set()
    mark: set[str] = set()
    before = {c.id: c for c in original}
    for c in updated:
        if c.type == FAVORITES:
            old = before.get(c.id)
            unmark.update(old.channel_ids if old is not None else [])
            mark.update(c.channel_ids)
        else:
            unmark.update(c.channel_ids)
    unmark -= mark
    existing = {
        p.name: p.value
        for p in await pref_store.get_preferences(conn, tenant_id, user_id, FAVORITE_CHANNEL)
    }
    saved = [
        Preference(user_id, FAVORITE_CHANNEL, cid, "true")
        for cid in sorted(mark)
        if existing.get(cid) != "true"
    ]
    deleted = [
        Preference(user_id, FAVORITE_CHANNEL, cid, existing[cid])
        for cid in sorted(unmark)
        if cid in existing
    ]
    await pref_store.save_preferences(conn, tenant_id, saved)
    await pref_store.delete_preferences(conn, tenant_id, user_id, deleted)
    events = []
    if saved:
        events.append(preferences_event(tenant_id, user_id, PREFERENCES_CHANGED, saved))
    if deleted:
        events.append(preferences_event(tenant_id, user_id, PREFERENCES_DELETED, deleted))
    return events


async def _sync_mute(
    conn: Connection,
    tenant_id: str,
    user_id: str,
    original: Sequence[SidebarCategory],
    updated: Sequence[SidebarCategory],
) -> list[ChannelMember]:
    """Set mark_unread on the channels a change muted or unmuted; returns the members
    that changed."""
    mute, unmute = mute_changes(original, updated)
    if not mute and not unmute:
        return []
    changed = []
    now = now_ms()
    for member in await store.memberships_in(conn, tenant_id, user_id, sorted(mute | unmute)):
        value = MUTED if member.channel_id in mute else UNMUTED
        if member.notify_props.get("mark_unread") == value:
            continue
        member.notify_props["mark_unread"] = value
        member.last_update_at = now
        await member_store.update_member(conn, tenant_id, member)
        changed.append(member)
    return changed


async def _unfavorite(
    conn: Connection, tenant_id: str, user_id: str, channel_id: str
) -> set[tuple[str, str]]:
    favorites = await store.favorites_categories(conn, tenant_id, user_id)
    teams = {c.id: c.team_id for c in favorites}
    held = await store.remove_from_categories(conn, tenant_id, teams, [channel_id])
    return {(teams[h], h) for h in held}


async def _updated_events(
    conn: Connection, tenant_id: str, user_id: str, touched: Iterable[tuple[str, str]]
) -> list[Event]:
    """``sidebar_category_updated`` per team for categories a preference moved channels
    in or out of (Mattermost's clients update themselves; this is for the others)."""
    by_team: dict[str, set[str]] = {}
    for team_id, category_id in touched:
        by_team.setdefault(team_id, set()).add(category_id)
    events = []
    for team_id, ids in sorted(by_team.items()):
        categories = await store.list_categories(conn, tenant_id, user_id, team_id)
        await _fill(conn, tenant_id, user_id, team_id, categories)
        changed = [c.to_dict() for c in categories if c.id in ids]
        if changed:
            data = {"updatedCategories": orjson.dumps(changed).decode()}
            events.append(_event(tenant_id, SIDEBAR_CATEGORY_UPDATED, user_id, team_id, data))
    return events


def _event(tenant_id: str, name: str, user_id: str, team_id: str, data: dict[str, Any]) -> Event:
    broadcast = Broadcast(recipients=frozenset({user_id}), user_id=user_id, team_id=team_id)
    return Event(tenant_id, name, data, broadcast)


def _member_events(tenant_id: str, members: Sequence[ChannelMember]) -> list[Event]:
    return [
        Event(
            tenant_id,
            CHANNEL_MEMBER_UPDATED,
            {"channelMember": orjson.dumps(m.to_dict()).decode()},
            Broadcast(recipients=frozenset({m.user_id}), user_id=m.user_id),
        )
        for m in members
    ]
