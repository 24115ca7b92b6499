"""Everyday messaging's tables (issue 23, ``roost.app.messaging``), on the schema's
``metadata`` (``roost.store.tables`` imports this module at its end)."""

from sqlalchemy import BigInteger, Boolean, Column, Index, String, Table, Text, text

from roost.store.tables import ID, metadata


def _tenant() -> Column[str]:
    return Column("tenant_id", String(ID), primary_key=True, nullable=False)


def _id(name: str, primary_key: bool = False) -> Column[str]:
    return Column(name, String(ID), primary_key=primary_key, nullable=False)


def _ms(name: str) -> Column[int]:
    return Column(name, BigInteger, nullable=False, server_default="0")


# Link previews fetched per URL (Mattermost's LinkMetadata): reused by every post linking
# to the same URL until they age out. ``kind``: opengraph, image or none (nothing to show,
# or the fetch failed: not tried again until it ages out either).
link_metadata = Table(
    "link_metadata",
    metadata,
    _tenant(),
    Column("url_hash", String(64), primary_key=True, nullable=False),
    Column("url", String(1024), nullable=False),
    _ms("fetched_at"),
    Column("kind", String(16), nullable=False, server_default="none"),
    Column("data", Text, nullable=False, server_default="{}"),
)
# The preview a post shows: its first link, once fetched (a link preview, by url_hash),
# or a permalink to another post (target_id), shown only to viewers who may read it.
post_link_previews = Table(
    "post_link_previews",
    metadata,
    _tenant(),
    _id("post_id", primary_key=True),
    Column("url", String(1024), nullable=False),
    Column("url_hash", String(64), nullable=False, server_default=""),
    Column("target_id", String(ID), nullable=False, server_default=""),
)
# Posts to be sent later (Mattermost's ScheduledPosts). A node claims due rows (claimed_at)
# so each is sent by one node; error_code says why one could not be sent.
scheduled_posts = Table(
    "scheduled_posts",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    _ms("create_at"),
    _ms("update_at"),
    _id("user_id"),
    _id("channel_id"),
    Column("root_id", String(ID), nullable=False, server_default=""),
    Column("message", Text, nullable=False, server_default=""),
    Column("props", Text, nullable=False, server_default="{}"),
    Column("file_ids", Text, nullable=False, server_default="[]"),
    Column("priority", Text, nullable=False, server_default=""),
    _ms("scheduled_at"),
    _ms("processed_at"),
    _ms("claimed_at"),
    Column("claimed_by", String(64), nullable=False, server_default=""),
    Column("error_code", String(64), nullable=False, server_default=""),
    Index("ix_scheduled_posts_user", "tenant_id", "user_id", "scheduled_at"),
)
# Reminders (Mattermost's PostReminders): at target_time the system bot sends the user a
# direct message about the post; the row is deleted once sent.
post_reminders = Table(
    "post_reminders",
    metadata,
    _tenant(),
    _id("post_id", primary_key=True),
    _id("user_id", primary_key=True),
    _ms("target_time"),
    _ms("claimed_at"),
    Column("claimed_by", String(64), nullable=False, server_default=""),
)
# A post's priority label and acknowledgement request (Mattermost's PostsPriority).
post_priorities = Table(
    "post_priorities",
    metadata,
    _tenant(),
    _id("post_id", primary_key=True),
    _id("channel_id"),
    Column("priority", String(16), nullable=False, server_default=""),
    Column("requested_ack", Boolean, nullable=False, server_default="0"),
    Column("persistent_notifications", Boolean, nullable=False, server_default="0"),
)
# Acknowledgements of posts that asked for them (Mattermost's PostAcknowledgements).
post_acknowledgements = Table(
    "post_acknowledgements",
    metadata,
    _tenant(),
    _id("post_id", primary_key=True),
    _id("user_id", primary_key=True),
    _id("channel_id"),
    _ms("acknowledged_at"),
)
# The due-time polls work across tenants (any node sends any tenant's due rows), so
# these two do not lead with tenant_id; partial, so they hold only rows still to send.
Index(
    "ix_scheduled_posts_due",
    scheduled_posts.c.scheduled_at,
    postgresql_where=text("processed_at = 0"),
    sqlite_where=text("processed_at = 0"),
)
Index("ix_post_reminders_due", post_reminders.c.target_time)
# Links and files pinned to a channel's header (Mattermost's ChannelBookmarks). A deleted
# one keeps its row (delete_at) so that ``bookmarks_since`` can tell clients it went; an
# edit by someone other than its owner replaces it (original_id: the one it replaced).
channel_bookmarks = Table(
    "channel_bookmarks",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    _id("channel_id"),
    _id("owner_id"),
    Column("file_id", String(ID), nullable=False, server_default=""),
    _ms("create_at"),
    _ms("update_at"),
    _ms("delete_at"),
    Column("display_name", String(64), nullable=False, server_default=""),
    Column("sort_order", BigInteger, nullable=False, server_default="0"),
    Column("link_url", String(1024), nullable=False, server_default=""),
    Column("image_url", String(1024), nullable=False, server_default=""),
    Column("emoji", String(64), nullable=False, server_default=""),
    Column("type", String(16), nullable=False, server_default="link"),
    Column("original_id", String(ID), nullable=False, server_default=""),
    Column("parent_id", String(ID), nullable=False, server_default=""),
    Index("ix_channel_bookmarks_channel", "tenant_id", "channel_id", "delete_at"),
)
# Custom user groups (Mattermost's UserGroups with source "custom"): @name mentions them.
# A deleted group keeps its row and name (it can be restored).
user_groups = Table(
    "user_groups",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    Column("name", String(64), nullable=False),
    Column("display_name", String(128), nullable=False, server_default=""),
    Column("description", String(1024), nullable=False, server_default=""),
    Column("source", String(64), nullable=False, server_default="custom"),
    Column("remote_id", String(48), nullable=False, server_default=""),
    Column("allow_reference", Boolean, nullable=False, server_default="0"),
    Column("creator_id", String(ID), nullable=False, server_default=""),
    _ms("create_at"),
    _ms("update_at"),
    _ms("delete_at"),
    Index("ux_user_groups_name", "tenant_id", "name", unique=True),
    # One group per directory group (custom groups have no remote_id).
    Index(
        "ux_user_groups_remote",
        "tenant_id",
        "source",
        "remote_id",
        unique=True,
        postgresql_where=text("remote_id <> ''"),
        sqlite_where=text("remote_id <> ''"),
    ),
)
# Who is in each group (Mattermost's GroupMembers).
group_members = Table(
    "group_members",
    metadata,
    _tenant(),
    _id("group_id", primary_key=True),
    _id("user_id", primary_key=True),
    _ms("create_at"),
    Index("ix_group_members_user", "tenant_id", "user_id"),
)
# Interactive dialogs: each trigger id handed to an integration (by a slash command or a
# message action), with the user it was for, so that any node can open a dialog for that
# user; once a dialog is opened with it, the URL its submission goes to (only a URL an
# integration opened a dialog with is ever posted to) and whether the opener was trusted
# (a bot or an admin: its URL may be one of the tenant's allow-listed internal hosts).
dialog_triggers = Table(
    "dialog_triggers",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    _id("user_id"),
    _ms("create_at"),
    Column("url", String(1024), nullable=False, server_default=""),
    Column("trusted", Boolean, nullable=False, server_default="0"),
    _ms("opened_at"),
    Index("ix_dialog_triggers_user", "tenant_id", "user_id", "opened_at"),
)
