"""Link and permalink previews of posts, found after the post is written.

A post hook (``has_posted``/``has_updated``, off the request: the post is answered
before anything is fetched) looks at the post's first link (``roost.app.posts.links``):

- a permalink to a post on this server: the preview is recorded as that post's id, and
  ``post_edited`` goes to the channel twice: with the embedded post to the members who
  may read its channel, without it to the others;
- any other link, unless previews are off (``ROOST_ENABLE_LINK_PREVIEWS``), the domain
  is restricted (``ROOST_RESTRICT_LINK_PREVIEWS``) or the author turned link previews
  off (preference ``display_settings``/``link_previews`` = ``"false"``): its OpenGraph
  data is fetched (``link_fetcher``: cached per URL, the outbound policy, limits) and,
  when there is something to show, recorded and sent to the channel as ``post_edited``.

Recording a preview moves the post's ``update_at``, so lists, Etags and ``since``
readers see the change. ``POST /opengraph`` answers a URL's OpenGraph data directly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import orjson

from roost.app.channels.channels import Channels
from roost.app.integrations.outbound_policy import is_valid_url
from roost.app.kernel import errors
from roost.app.kernel.context import Actor
from roost.app.kernel.errors import AppError
from roost.app.messaging.errors import link_previews_disabled
from roost.app.messaging.link_fetcher import LinkFetcher
from roost.app.messaging.preview_writer import PreviewWrite, PreviewWriter
from roost.app.posts import links
from roost.app.posts.hooks import PostHook
from roost.app.posts.lists import decorate
from roost.clock import now_ms
from roost.cluster.bus import Bus
from roost.config.messaging import MessagingSettings
from roost.model.channel import OPEN as OPEN_CHANNEL
from roost.model.channel import Channel
from roost.model.event import Broadcast, Event
from roost.model.events import POST_EDITED
from roost.model.post import CLIENT_TYPES, Post
from roost.store.accounts import preferences as preference_store
from roost.store.channels import teams as team_store
from roost.store.db.database import Connection, Database
from roost.store.posts import access as access_store
from roost.store.posts import link_previews as preview_store
from roost.store.posts import posts as post_store

log = logging.getLogger(__name__)

DISPLAY_SETTINGS = "display_settings"
# People's posts; the server's own (reminders, system messages) and plugins' custom types
# are shown by the clients in their own way, without previews.
PREVIEWED_TYPES = frozenset(CLIENT_TYPES)
LINK_PREVIEWS_PREFERENCE = "link_previews"


class LinkPreviews(PostHook):
    def __init__(
        self,
        db: Database,
        bus: Bus,
        channels: Channels,
        fetcher: LinkFetcher,
        settings: MessagingSettings,
        site_url: Callable[[str], str],
    ) -> None:
        self._db = db
        self._bus = bus
        self._channels = channels
        self.fetcher = fetcher
        self.writer = PreviewWriter(db, bus, channels)
        self._settings = settings
        self._site_url = site_url

    @property
    def wants_after(self) -> bool:
        s = self._settings
        return s.enable_link_previews or s.enable_permalink_previews

    async def has_posted(self, actor: Actor, post: Post, channel: Channel) -> None:
        if post.type in PREVIEWED_TYPES and links.first_link(post.message) is not None:
            await self._preview(actor, post)

    async def has_updated(self, actor: Actor, new: Post, old: Post, channel: Channel) -> None:
        if new.message == old.message or new.type not in PREVIEWED_TYPES:
            return
        if links.first_link(new.message) != links.first_link(old.message):
            async with self._db.write() as conn:
                await preview_store.clear_post_preview(conn, actor.tenant_id, new.id)
            await self._preview(actor, new)

    # The preview of one post.

    async def _preview(self, actor: Actor, post: Post) -> None:
        url = links.first_link(post.message)
        if url is None:
            return
        tenant_id = actor.tenant_id
        target_id = links.permalink_post_id(url, self._site_url(tenant_id))
        if target_id is not None:
            if self._settings.enable_permalink_previews and target_id != post.id:
                await self._record(tenant_id, post.id, url, target_id)
                await self._announce_permalink(tenant_id, post.id, target_id)
            return
        s = self._settings
        if not s.enable_link_previews or links.domain_restricted(url, s.restrict_link_previews):
            return
        # One read here (the author's preference and a cached preview); the writes go
        # to the preview writer, which commits many previews at once.
        async with self._db.read() as conn:
            if not await self._author_allows(conn, tenant_id, post.user_id):
                return
            meta = await self.fetcher.cached(conn, tenant_id, url)
        fetched = False
        if meta is None:
            try:
                meta, fetched = await self.fetcher.fetched(tenant_id, url)
            except AppError as busy:
                log.info("link preview skipped: %s", busy.message)
                return
        shown = meta.kind != "none"
        if shown or fetched:
            self.writer.add(
                PreviewWrite(tenant_id, post.id if shown else "", url, meta if fetched else None)
            )

    async def _author_allows(self, conn: Connection, tenant_id: str, user_id: str) -> bool:
        """Unless the author turned link previews off (display_settings/link_previews)."""
        prefs = await preference_store.get_preferences(conn, tenant_id, user_id, DISPLAY_SETTINGS)
        return not any(p.name == LINK_PREVIEWS_PREFERENCE and p.value == "false" for p in prefs)

    async def _record(self, tenant_id: str, post_id: str, url: str, target_id: str = "") -> None:
        async with self._db.write() as conn:
            await preview_store.set_post_preview(conn, tenant_id, post_id, url, target_id)
            await post_store.touch_post(conn, tenant_id, post_id, now_ms())

    async def _current(self, tenant_id: str, post_id: str, viewer: Actor | None) -> Post | None:
        async with self._db.read() as conn:
            post = await post_store.get_post(conn, tenant_id, post_id)
            if post is not None:
                await decorate(conn, tenant_id, [post], viewer)
        return post

    async def _announce_permalink(self, tenant_id: str, post_id: str, target_id: str) -> None:
        """``post_edited`` with the embedded post to the members who may read its
        channel, without it to the rest."""
        plain = await self._current(tenant_id, post_id, None)
        if plain is None:
            return
        members = await self._channels.member_ids(tenant_id, plain.channel_id)
        readers = await self._readers(tenant_id, target_id, members)
        events: list[Event] = []
        if readers:
            shown = await self._current(tenant_id, post_id, Actor(tenant_id, min(readers), ""))
            if shown is not None:
                events.append(self._edited(tenant_id, shown, readers))
        others = members - readers
        if others:
            events.append(self._edited(tenant_id, plain, others))
        await self._bus.publish(events)

    async def _readers(
        self, tenant_id: str, target_id: str, members: frozenset[str]
    ) -> frozenset[str]:
        """The members who may read the channel of the post ``target_id``: its own
        members, or for an open channel its team's members."""
        async with self._db.read() as conn:
            target = await post_store.get_post(conn, tenant_id, target_id)
            if target is None or not members:
                return frozenset()
            access = await access_store.channel_access(
                conn, tenant_id, target.channel_id, min(members)
            )
            if access is None:
                return frozenset()
            channel = access.channel
            if channel.type == OPEN_CHANNEL and channel.team_id:
                allowed = set(await team_store.member_user_ids(conn, tenant_id, channel.team_id))
            else:
                allowed = set(await self._channels.member_ids(tenant_id, channel.id))
        return frozenset(members & allowed)

    def _edited(self, tenant_id: str, post: Post, recipients: frozenset[str]) -> Event:
        data: dict[str, Any] = {"post": post_json(post)}
        return Event(
            tenant_id,
            POST_EDITED,
            data,
            Broadcast(recipients=recipients, channel_id=post.channel_id),
        )

    # POST /opengraph.

    async def opengraph(self, actor: Actor, url: Any) -> dict[str, Any]:
        """The URL's OpenGraph data; ``{"url": ""}``-like empty data when it has none."""
        if not self._settings.enable_link_previews:
            raise link_previews_disabled()
        if not isinstance(url, str) or not is_valid_url(url):
            raise errors.invalid_param("url")
        empty: dict[str, Any] = {"url": ""}
        if links.domain_restricted(url, self._settings.restrict_link_previews):
            return empty
        meta = await self.fetcher.metadata(actor.tenant_id, url)
        if meta.kind != "opengraph":
            return empty
        return meta.data


def post_json(post: Post) -> str:
    return orjson.dumps(post.to_dict()).decode()
