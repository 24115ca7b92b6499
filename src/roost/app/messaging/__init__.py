"""Everyday messaging (issue 23): what people reach for beyond plain posts.

- Link previews (``link_previews.py``, ``link_fetcher.py``, ``opengraph.py``): a post's
  first link is previewed after the post is answered; the page is fetched through the
  integrations' outbound client (its policy: no private addresses unless allowed, each
  redirect checked again, time and size limits), parsed for OpenGraph data, cached per
  URL in ``link_metadata``, recorded for the post in ``post_link_previews`` and sent as
  ``post_edited``. A permalink to a post is recorded as that post's id and shown
  (``roost.app.posts.embeds``) only to viewers who may read its channel.
- Scheduled posts (``scheduled_posts.py``) and reminders (``reminders.py``), sent when
  due by ``scheduler.py``: each node polls, claims due rows (``FOR UPDATE SKIP LOCKED``,
  a lease for a node that stopped), sends them as the author (scheduled posts, checked
  again at the time) or as the tenant's system bot (``system_bot.py``: reminders, as
  direct messages), with post ids fixed in advance so a repeated send writes nothing.
- Acknowledgements (``acknowledgements.py``) of posts whose priority asks for them (the
  priority itself is the posts domain's: ``roost.app.posts.priority``).
- Converting channels between public and private (``channel_privacy.py``; it posts a
  system message, so it lives above the posts domain).
- System posts about membership and channel changes (``system_posts.py``): joins,
  leaves, adds, removals, header/purpose/display-name changes, archive and restore, as
  Mattermost writes them; the channels domain reports its changes through its
  ``ChannelChanges`` seam (``roost.app.channels.changes``), which ``roost.compose`` fills.
- Channel bookmarks (``bookmarks.py``): links and files pinned to a channel, at most 50.
- Custom user groups (``groups.py``): ``@name`` reaches the members in the channel
  through the posts domain's ``GroupMentions`` seam, which ``roost.compose`` fills.
- Interactive dialogs (``dialogs.py``): opened with a trigger id the integrations domain
  records (``roost.app.integrations.triggers``), submitted to the URL they were opened
  with through the outbound client.
- Guest accounts (``guests.py``): demote and promote; what a guest may do follows from
  the guest roles ``roost.app.accounts.permissions`` gives them, and the channel read
  rules (``roost.app.channels``) leave guests only the channels they are in.

This domain sits above ``integrations`` (it uses the outbound client) and below the
services container; the posts domain knows it only through the post-hook seam and the
previews it reads back, the channels domain only through its changes seam.
"""
