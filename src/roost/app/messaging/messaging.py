"""The everyday-messaging services one server runs, as ``roost.compose`` builds them."""

from __future__ import annotations

from dataclasses import dataclass

from roost.app.messaging.acknowledgements import Acknowledgements
from roost.app.messaging.bookmarks import Bookmarks
from roost.app.messaging.channel_privacy import ChannelPrivacy
from roost.app.messaging.dialogs import Dialogs
from roost.app.messaging.groups import Groups
from roost.app.messaging.guests import Guests
from roost.app.messaging.ldap_groups import LdapGroups
from roost.app.messaging.link_previews import LinkPreviews
from roost.app.messaging.reminders import Reminders
from roost.app.messaging.scheduled_posts import ScheduledPosts
from roost.app.messaging.scheduler import Scheduler
from roost.app.messaging.system_posts import SystemPosts


@dataclass(slots=True)
class Messaging:
    link_previews: LinkPreviews
    system_posts: SystemPosts
    scheduled_posts: ScheduledPosts
    reminders: Reminders
    scheduler: Scheduler
    acknowledgements: Acknowledgements
    channel_privacy: ChannelPrivacy
    bookmarks: Bookmarks
    groups: Groups
    dialogs: Dialogs
    guests: Guests
    ldap_groups: LdapGroups

    async def close(self) -> None:
        self.link_previews.fetcher.limiter.close()
        await self.link_previews.writer.drain()
