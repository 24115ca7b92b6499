"""The seam where a higher domain hears of membership and channel changes made by the
channels domain, to write Mattermost's system posts about them (``roost.app.messaging.
system_posts``): the channels domain cannot import the posts domain.

``Channels.changes`` holds one ``ChannelChanges`` (the defaults do nothing; the
composition root installs the real one). Each call is awaited right after the change has
committed and its events are published, before the request answers: the system post is
a separate transaction (posts go through the group-commit writer), so a client that
reads the channel after the answer finds it. A failure to write one is logged by the
implementation, never raised: the change itself has happened (as in Mattermost).
"""

from __future__ import annotations

from collections.abc import Sequence

from roost.model.channel import Channel


class ChannelChanges:
    """What changed, and who did it (``actor_id``; "" for the server itself)."""

    async def channel_created(self, tenant_id: str, channel: Channel, creator_id: str) -> None:
        return None

    async def joined_channel(
        self, tenant_id: str, channel: Channel, user_ids: Sequence[str], actor_id: str
    ) -> None:
        """Users added to an open or private channel (the actor alone: a join)."""
        return None

    async def left_channel(
        self, tenant_id: str, channel: Channel, user_id: str, actor_id: str
    ) -> None:
        """A user out of a channel (the actor: a leave; anyone else: a removal)."""
        return None

    async def channel_patched(
        self, tenant_id: str, before: Channel, after: Channel, actor_id: str
    ) -> None:
        return None

    async def channel_archived(self, tenant_id: str, channel: Channel, actor_id: str) -> None:
        return None

    async def channel_restored(self, tenant_id: str, channel: Channel, actor_id: str) -> None:
        return None

    async def joined_team(
        self,
        tenant_id: str,
        team_id: str,
        user_id: str,
        requestor_id: str,
        channels: Sequence[Channel],
    ) -> None:
        """A new team member and the default channels it joined; ``requestor_id`` is ""
        when the user joined (or was added without naming who asked, as Mattermost's
        single-member add does)."""
        return None

    async def left_team(self, tenant_id: str, team_id: str, user_id: str, actor_id: str) -> None:
        return None
