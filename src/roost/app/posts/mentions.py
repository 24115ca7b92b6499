"""Who a message mentions: @usernames, @channel/@all/@here, and members' own mention keys.

Keys (a member's ``mention_keys`` and, when enabled, their first name) and who takes
channel-wide mentions are indexed per channel and cached, so a post without an ``@``
costs no query; the index is dropped by membership, member-settings and user events
(they travel on the bus, so every node drops its copy).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from roost.app.kernel.read_cache import ReadCache
from roost.app.posts.text import mention_words, strip_code
from roost.cluster.bus import Bus
from roost.model.channel import DIRECT
from roost.model.event import Event
from roost.model.events import (
    CHANNEL_CREATED,
    CHANNEL_MEMBER_UPDATED,
    DIRECT_ADDED,
    GROUP_ADDED,
    LEAVE_TEAM,
    RESYNC,
    USER_ADDED,
    USER_REMOVED,
    USER_UPDATED,
)
from roost.store.db.database import Connection as AsyncConnection
from roost.store.db.database import Database
from roost.store.posts import access as access_store

INDEX_CACHE_SIZE = 5_000
# Bounds on what a user may register (the notify_props value is capped as a whole too).
MAX_KEYS_PER_USER = 50
MAX_KEY_CHARS = 64

_WORD = re.compile(r"[\w][\w.'\-]*", re.UNICODE)
_TRAILING = ".'-"

# Events after which a channel's index may be stale: who is in it, their settings.
_ALL_CHANNELS = frozenset({CHANNEL_MEMBER_UPDATED, RESYNC, LEAVE_TEAM})
_ONE_CHANNEL = frozenset({USER_ADDED, USER_REMOVED, DIRECT_ADDED, GROUP_ADDED, CHANNEL_CREATED})


def user_mention_keys(first_name: str, notify_props: dict[str, Any]) -> set[str]:
    """A user's own mention words, lower-cased (their @username is matched separately)."""
    keys: set[str] = set()
    raw = notify_props.get("mention_keys", "")
    if isinstance(raw, str):
        for key in raw.split(",")[:MAX_KEYS_PER_USER]:
            key = key.strip().lower().lstrip("@")
            if key and len(key) <= MAX_KEY_CHARS:
                keys.add(key)
    if notify_props.get("first_name") == "true" and first_name.strip():
        keys.add(first_name.strip().lower())
    return keys


def takes_channel_mentions(member_props: dict[str, Any], user_props: dict[str, Any]) -> bool:
    """Whether @channel/@all/@here count for a member (their channel and account settings)."""
    ignore = member_props.get("ignore_channel_mentions", "default")
    if ignore == "on":
        return False
    if ignore == "off":
        return True
    return bool(user_props.get("channel", "true") != "false")


@dataclass(slots=True)
class MentionIndex:
    """One channel's members as mentions see them."""

    # Single-word keys -> members; keys with spaces or punctuation are matched as phrases.
    words: dict[str, set[str]] = field(default_factory=dict)
    phrases: dict[str, set[str]] = field(default_factory=dict)
    channel_wide: frozenset[str] = frozenset()

    def keyword_mentions(self, text: str) -> set[str]:
        found: set[str] = set()
        if self.words:
            for match in _WORD.finditer(text):
                word = match.group(0).lower().rstrip(_TRAILING)
                hit = self.words.get(word)
                if hit:
                    found |= hit
        if self.phrases:
            lowered = text.lower()
            for phrase, users in self.phrases.items():
                if _contains_phrase(lowered, phrase):
                    found |= users
        return found


def _contains_phrase(text: str, phrase: str) -> bool:
    start = text.find(phrase)
    while start >= 0:
        end = start + len(phrase)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
        start = text.find(phrase, start + 1)
    return False


def build_index(members: Iterable[access_store.MemberNotify]) -> MentionIndex:
    index = MentionIndex()
    wide: set[str] = set()
    for member in members:
        if takes_channel_mentions(member.member_props, member.user_props):
            wide.add(member.user_id)
        for key in user_mention_keys(member.first_name, member.user_props):
            target = index.words if _is_word(key) else index.phrases
            target.setdefault(key, set()).add(member.user_id)
    index.channel_wide = frozenset(wide)
    return index


def mentions_user(message: str, username: str, keys: set[str], takes_channel: bool) -> bool:
    """Whether ``message`` mentions one user, given their name, keys and settings."""
    words = mention_words(message)
    if words.candidates and words.resolve({username.lower()}):
        return True
    if takes_channel and (words.channel_wide or words.here):
        return True
    if keys:
        index = build_index([])
        for key in keys:
            target = index.words if _is_word(key) else index.phrases
            target[key] = {username}
        return bool(index.keyword_mentions(strip_code(message)))
    return False


def _is_word(key: str) -> bool:
    return bool(_WORD.fullmatch(key)) and key == key.rstrip(_TRAILING)


@dataclass(slots=True)
class Mentioned:
    """Who a post mentions. ``explicit`` users (by name or key) start following a thread;
    everyone in ``users`` has their mention counters moved."""

    users: set[str] = field(default_factory=set)
    explicit: set[str] = field(default_factory=set)


class GroupMentions:
    """The seam through which user groups (``roost.app.messaging.groups``, a feature
    above this domain) say whom an @name means when it is no member's username: each
    of ``names`` that is a mentionable group, with its members. The default knows no
    groups."""

    async def members_of(
        self, conn: AsyncConnection, tenant_id: str, names: Sequence[str]
    ) -> dict[str, frozenset[str]]:
        return {}


Fingerprint = tuple[frozenset[str], bool, bool]


def _fingerprint(first_name: str, notify_props: dict[str, Any], active: bool) -> Fingerprint:
    """What of a user's profile the indexes depend on."""
    keys = frozenset(user_mention_keys(first_name, notify_props))
    return keys, notify_props.get("channel", "true") != "false", active


class Mentions:
    def __init__(self, db: Database, bus: Bus) -> None:
        self._db = db
        self._indexes: ReadCache[tuple[str, str], MentionIndex] = ReadCache(INDEX_CACHE_SIZE)
        # The profile each indexed user had when indexed: most profile changes (a
        # nickname, a picture) leave mentions alone and must not drop every index.
        self._indexed: dict[tuple[str, str], Fingerprint] = {}
        self.groups = GroupMentions()
        bus.subscribe(self._on_event)

    def _clear(self) -> None:
        self._indexes.clear()
        self._indexed.clear()

    def _on_event(self, event: Event) -> None:
        if event.name == USER_UPDATED:
            user = event.data.get("user")
            if not isinstance(user, dict):
                self._clear()
                return
            key = (event.tenant_id, str(user.get("id", "")))
            if event.broadcast.recipients != frozenset({key[1]}):
                # Other people's copies are sanitised (no notify props): only the
                # user's own copy says what their mentions are.
                return
            props = user.get("notify_props")
            seen = _fingerprint(
                str(user.get("first_name", "")),
                props if isinstance(props, dict) else {},
                not user.get("delete_at"),
            )
            if key in self._indexed and self._indexed[key] != seen:
                self._clear()
        elif event.name in _ALL_CHANNELS:
            self._clear()
        elif event.name in _ONE_CHANNEL:
            channel_id = event.broadcast.channel_id or event.data.get("channel_id")
            if isinstance(channel_id, str) and channel_id:
                self._indexes.forget((event.tenant_id, channel_id))
            else:
                self._indexes.clear()

    @asynccontextmanager
    async def _reading(self, conn: AsyncConnection | None) -> AsyncIterator[AsyncConnection]:
        """The caller's connection if it holds one (never a second one per request)."""
        if conn is not None:
            yield conn
        else:
            async with self._db.read() as own:
                yield own

    async def index(
        self, tenant_id: str, channel_id: str, conn: AsyncConnection | None = None
    ) -> MentionIndex:
        key = (tenant_id, channel_id)
        cached = self._indexes.get(key)
        if cached is not None:
            return cached
        token = self._indexes.token()
        async with self._reading(conn) as reader:
            members = await access_store.members_notify_props(reader, tenant_id, channel_id)
        index = build_index(members)
        if token == self._indexes.token():
            for m in members:
                self._indexed[(tenant_id, m.user_id)] = _fingerprint(
                    m.first_name, m.user_props, True
                )
        self._indexes.fill(token, [(key, index)])
        return index

    async def find(
        self,
        conn: AsyncConnection | None,
        tenant_id: str,
        channel_id: str,
        channel_type: str,
        author_id: str,
        members: frozenset[str],
        message: str,
        online_only: bool = True,
        channel_wide: bool = True,
    ) -> Mentioned:
        """Who ``message`` by ``author_id`` mentions among ``members``.

        ``online_only=False`` treats @here like @channel (for recounting old posts, whose
        readers' presence at the time is unknown). ``channel_wide=False``: the author
        may not use @channel/@all/@here (``use_channel_mentions``), so they mention nobody."""
        found = Mentioned()
        if channel_type == DIRECT:
            # Every message in a direct channel mentions the other person.
            found.users = set(members - {author_id})
            found.explicit = set(found.users)
            return found
        if not message.strip():
            return found
        words = mention_words(message)
        index = await self.index(tenant_id, channel_id, conn)
        explicit: set[str] = set()
        if index.words or index.phrases:
            explicit |= index.keyword_mentions(strip_code(message))
        if words.candidates:
            async with self._reading(conn) as reader:
                by_name = await access_store.members_named(
                    reader, tenant_id, channel_id, sorted(words.names)
                )
                explicit |= {by_name[n] for n in words.resolve(set(by_name))}
                # An @name no member has may be a group: its members in the channel.
                rest = [o for o in words.candidates if not any(n in by_name for n in o)]
                if rest:
                    names = sorted({n for options in rest for n in options})
                    groups = await self.groups.members_of(reader, tenant_id, names)
                    for options in rest:
                        hit = next((groups[n] for n in options if n in groups), None)
                        if hit:
                            explicit |= hit
        users = set(explicit)
        if not channel_wide:
            pass
        elif words.channel_wide or (words.here and not online_only):
            users |= index.channel_wide
        elif words.here and index.channel_wide:
            async with self._reading(conn) as reader:
                users |= await access_store.online_user_ids(
                    reader, tenant_id, sorted(index.channel_wide)
                )
        explicit &= members
        users &= members
        explicit.discard(author_id)
        users.discard(author_id)
        found.users, found.explicit = users, explicit
        return found
