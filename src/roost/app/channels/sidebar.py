"""Sidebar categories' rules that need no database: reading a category from a request
body, the default categories, where unplaced channels show, and which channels a change
mutes or unmutes. ``categories.py`` applies them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from roost.app.kernel import errors
from roost.ids import is_valid_id
from roost.model.category import (
    CATEGORY_TYPES,
    CHANNELS,
    DEFAULT_TYPES,
    DIRECT_MESSAGES,
    SORT_DISTANCE,
    SORTINGS,
    SidebarCategory,
    SidebarChannel,
    default_category_id,
)
from roost.model.channel import DIRECT, GROUP

DISPLAY_NAME_MAX = 64
# Channel ids one category of a request may list (a user's whole team fits many times).
MAX_CHANNELS_PER_CATEGORY = 5_000

# The categories that take the channels no category holds.
_HOMES = (CHANNELS, DIRECT_MESSAGES)
_BOOLS = ("muted", "collapsed")
_STRINGS = ("id", "user_id", "team_id")


def category_from_body(data: Any) -> SidebarCategory:
    """A ChannelCategory as a client sent it. Absent fields read as empty, false or
    none, as Mattermost decodes them; wrong types and values are refused."""
    if not isinstance(data, dict):
        raise errors.invalid_body_param("category")
    for key in _STRINGS:
        if not isinstance(data.get(key, ""), str):
            raise errors.invalid_body_param("category")
    for key in _BOOLS:
        if not isinstance(data.get(key, False), bool):
            raise errors.invalid_body_param("category")
    sort_order = data.get("sort_order", 0)
    if not isinstance(sort_order, int) or isinstance(sort_order, bool):
        raise errors.invalid_body_param("category")
    display_name = data.get("display_name", "")
    if not isinstance(display_name, str) or len(display_name) > DISPLAY_NAME_MAX:
        raise errors.invalid_body_param("display_name")
    kind = data.get("type", "")
    if not isinstance(kind, str) or (kind and kind not in CATEGORY_TYPES):
        raise errors.invalid_body_param("type")
    sorting = data.get("sorting", "")
    if not isinstance(sorting, str) or sorting not in SORTINGS:
        raise errors.invalid_body_param("sorting")
    return SidebarCategory(
        id=data.get("id", ""),
        user_id=data.get("user_id", ""),
        team_id=data.get("team_id", ""),
        type=kind,
        display_name=display_name,
        sort_order=sort_order,
        sorting=sorting,
        muted=data.get("muted", False),
        collapsed=data.get("collapsed", False),
        channel_ids=channel_ids_from_body(data.get("channel_ids")),
    )


def channel_ids_from_body(value: Any) -> list[str]:
    """The listed channel ids, each once, in their first place."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_CHANNELS_PER_CATEGORY:
        raise errors.invalid_body_param("channel_ids")
    if not all(isinstance(v, str) and is_valid_id(v) for v in value):
        raise errors.invalid_body_param("channel_ids")
    return list(dict.fromkeys(value))


def default_categories(user_id: str, team_id: str) -> list[SidebarCategory]:
    """Favorites, Channels and Direct Messages, in that order."""
    return [
        SidebarCategory(
            id=default_category_id(kind, user_id, team_id),
            user_id=user_id,
            team_id=team_id,
            type=kind,
            display_name=name,
            sort_order=i * SORT_DISTANCE,
            sorting=sorting,
        )
        for i, (kind, name, sorting) in enumerate(DEFAULT_TYPES)
    ]


def fill(
    categories: Sequence[SidebarCategory],
    placed: Iterable[tuple[str, str]],
    member_of: Iterable[SidebarChannel],
) -> None:
    """Set each category's channel_ids: its placed channels in their order, and, first in
    Channels and Direct Messages, the channels the user is in that no category holds
    (in the order given: by display name; archived ones only where placed). Every channel of the team the
    user is in, and every direct and group channel, ends up in exactly one category."""
    channels = {c.id: c for c in member_of}
    by_id = {c.id: c for c in categories}
    lists: dict[str, list[str]] = {c.id: [] for c in categories}
    held: set[str] = set()
    for category_id, channel_id in placed:
        if category_id in lists and channel_id in channels and channel_id not in held:
            lists[category_id].append(channel_id)
            held.add(channel_id)
    home = {kind: next((c.id for c in categories if c.type == kind), None) for kind in _HOMES}
    unplaced: dict[str, list[str]] = {CHANNELS: [], DIRECT_MESSAGES: []}
    for channel in channels.values():
        if channel.id not in held and not channel.delete_at:
            kind = DIRECT_MESSAGES if channel.type in (DIRECT, GROUP) else CHANNELS
            unplaced[kind].append(channel.id)
    for kind, found in unplaced.items():
        target = home[kind]
        if target is not None and found:
            lists[target] = found + lists[target]
    for category_id, ids in lists.items():
        by_id[category_id].channel_ids = ids


def mute_changes(
    original: Sequence[SidebarCategory], updated: Sequence[SidebarCategory]
) -> tuple[set[str], set[str]]:
    """(channels to mute, channels to unmute) after an update: every channel of a
    category that was muted or unmuted, and every channel moved between a muted and an
    unmuted category among those updated. Both lists hold the categories' channels
    after the change, in the same order."""
    mute: set[str] = set()
    unmute: set[str] = set()
    for before, after in zip(original, updated, strict=True):
        if after.muted and not before.muted:
            mute.update(after.channel_ids)
        elif before.muted and not after.muted:
            unmute.update(after.channel_ids)
    was_in = _homes_of(original)
    now_in = _homes_of(updated)
    muted_before = {c.id: c.muted for c in original}
    muted_after = {c.id: c.muted for c in updated}
    for channel_id, source in was_in.items():
        target = now_in.get(channel_id)
        if target is None or target == source:
            continue
        if muted_after[target] and not muted_before[source]:
            mute.add(channel_id)
        elif not muted_after[target] and muted_before[source]:
            unmute.add(channel_id)
    return mute - unmute, unmute - mute


def _homes_of(categories: Sequence[SidebarCategory]) -> Mapping[str, str]:
    return {cid: c.id for c in categories for cid in c.channel_ids}


def renumbered(order: Sequence[str]) -> dict[str, int]:
    """Sort orders 0, 10, 20, ... for categories in this order."""
    return {category_id: i * SORT_DISTANCE for i, category_id in enumerate(order)}
