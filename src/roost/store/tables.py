"""The schema, as SQLAlchemy Core tables.

Every tenant-owned table carries ``tenant_id`` and it leads every primary key and
index, so one database can hold many organisations without their rows mixing.
JSON-shaped fields are stored as text (serialised by the store) so the schema is the
same on SQLite and PostgreSQL.
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

# Annotated: the modules holding more tables import it back (an import cycle mypy needs told).
metadata: MetaData = MetaData()

ID = 26


def _id(name: str, primary_key: bool = False) -> Column[str]:
    return Column(name, String(ID), primary_key=primary_key, nullable=False)


def _ms(name: str) -> Column[int]:
    return Column(name, BigInteger, nullable=False, server_default="0")


def _tenant() -> Column[str]:
    return Column("tenant_id", String(ID), primary_key=True, nullable=False)


tenants = Table(
    "tenants",
    metadata,
    _id("id", primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("display_name", String(128), nullable=False, server_default=""),
    _ms("create_at"),
    _ms("delete_at"),
    Column("state", String(16), nullable=False, server_default="active"),
    _ms("update_at"),
    Column("requests_per_second", Float, nullable=False, server_default="0"),
    Column("max_users", Integer, nullable=False, server_default="0"),
    Column("max_storage_bytes", BigInteger, nullable=False, server_default="0"),
    Column("max_posts_per_day", Integer, nullable=False, server_default="0"),
    # The database holding the tenant's rows, by name; '' is the directory's own.
    Column("database", String(64), nullable=False, server_default=""),
    # Sign-up and the first admin's invite (0021): SHA-256 of the token, '' for none.
    Column("open_signup", Boolean, nullable=False, server_default="0"),
    Column("admin_invite_hash", String(64), nullable=False, server_default=""),
    _ms("admin_invite_expires_at"),
    # Comma-separated hosts and networks its integrations may call; NULL: none named.
    Column("outbound_allowed_hosts", Text, nullable=True),
)

users = Table(
    "users",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    _ms("create_at"),
    _ms("update_at"),
    _ms("delete_at"),
    Column("username", String(64), nullable=False),
    Column("email", String(128), nullable=False),
    Column("password_hash", String(128), nullable=False, server_default=""),
    Column("email_verified", Boolean, nullable=False, server_default="0"),
    Column("nickname", String(64), nullable=False, server_default=""),
    Column("first_name", String(64), nullable=False, server_default=""),
    Column("last_name", String(64), nullable=False, server_default=""),
    Column("position", String(128), nullable=False, server_default=""),
    Column("roles", String(256), nullable=False, server_default="system_user"),
    Column("auth_service", String(32), nullable=False, server_default=""),
    Column("auth_data", String(128), nullable=False, server_default=""),
    Column("locale", String(8), nullable=False, server_default="en"),
    Column("props", Text, nullable=False, server_default="{}"),
    Column("notify_props", Text, nullable=False, server_default="{}"),
    Column("timezone", Text, nullable=False, server_default="{}"),
    _ms("last_password_update"),
    _ms("last_picture_update"),
    Column("is_bot", Boolean, nullable=False, server_default="0"),
    # Wrong passwords since the last good login or password change (the lockout).
    Column("failed_attempts", Integer, nullable=False, server_default="0"),
    # MFA (migration 0019): the TOTP secret never leaves the server; the last accepted
    # time step stops a code being used twice.
    Column("mfa_active", Boolean, nullable=False, server_default="0"),
    Column("mfa_secret", String(128), nullable=False, server_default=""),
    _ms("mfa_last_step"),
    Index("ix_users_username", "tenant_id", "username", unique=True),
    Index("ix_users_email", "tenant_id", "email", unique=True),
)

bots = Table(
    "bots",
    metadata,
    _tenant(),
    _id("user_id", primary_key=True),
    Column("owner_id", String(ID), nullable=False),
    Column("description", String(1024), nullable=False, server_default=""),
    _ms("create_at"),
    _ms("update_at"),
    _ms("delete_at"),
)

sessions = Table(
    "sessions",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    # sha256 of the bearer token: a leaked table does not leak live sessions.
    Column("token_hash", String(64), nullable=False),
    _id("user_id"),
    Column("csrf_token", String(ID), nullable=False),
    Column("roles", String(256), nullable=False, server_default=""),
    Column("device_id", String(512), nullable=False, server_default=""),
    Column("access_token_id", String(ID), nullable=False, server_default=""),
    Column("props", Text, nullable=False, server_default="{}"),
    _ms("create_at"),
    _ms("expires_at"),
    _ms("last_activity_at"),
    Index("ix_sessions_token", "tenant_id", "token_hash", unique=True),
    Index("ix_sessions_user", "tenant_id", "user_id"),
)

access_tokens = Table(
    "access_tokens",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    Column("token_hash", String(64), nullable=False),
    _id("user_id"),
    Column("description", String(512), nullable=False, server_default=""),
    Column("is_active", Boolean, nullable=False, server_default="1"),
    _ms("create_at"),
    Index("ix_access_tokens_token", "tenant_id", "token_hash", unique=True),
    Index("ix_access_tokens_user", "tenant_id", "user_id"),
)

# Each tenant's roles: Mattermost's built-in ones, made from roost/model/role_defaults.json
# the first time the tenant needs them; permissions space-separated, as Mattermost stores them.
roles = Table(
    "roles",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    Column("name", String(64), nullable=False),
    Column("display_name", String(128), nullable=False),
    Column("description", String(1024), nullable=False, server_default=""),
    Column("permissions", Text, nullable=False, server_default=""),
    Column("scheme_managed", Boolean, nullable=False, server_default="0"),
    Column("built_in", Boolean, nullable=False, server_default="0"),
    _ms("create_at"),
    _ms("update_at"),
    _ms("delete_at"),
    Index("ix_roles_name", "tenant_id", "name", unique=True),
)

teams = Table(
    "teams",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    _ms("create_at"),
    _ms("update_at"),
    _ms("delete_at"),
    Column("name", String(64), nullable=False),
    Column("display_name", String(64), nullable=False),
    Column("description", String(255), nullable=False, server_default=""),
    Column("email", String(128), nullable=False, server_default=""),
    Column("type", String(1), nullable=False, server_default="O"),
    Column("company_name", String(64), nullable=False, server_default=""),
    Column("allowed_domains", String(1000), nullable=False, server_default=""),
    Column("invite_id", String(ID), nullable=False, server_default=""),
    Column("allow_open_invite", Boolean, nullable=False, server_default="0"),
    Column("creator_id", String(ID), nullable=False, server_default=""),
    _ms("last_team_icon_update"),
    Index("ix_teams_name", "tenant_id", "name", unique=True),
    Index("ix_teams_invite", "tenant_id", "invite_id"),
)

team_members = Table(
    "team_members",
    metadata,
    _tenant(),
    _id("team_id", primary_key=True),
    _id("user_id", primary_key=True),
    Column("scheme_user", Boolean, nullable=False, server_default="1"),
    Column("scheme_admin", Boolean, nullable=False, server_default="0"),
    Column("explicit_roles", String(256), nullable=False, server_default=""),
    _ms("create_at"),
    _ms("delete_at"),
    Index("ix_team_members_user", "tenant_id", "user_id"),
)

channels = Table(
    "channels",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    _ms("create_at"),
    _ms("update_at"),
    _ms("delete_at"),
    # Direct and group channels belong to no team: team_id is "".
    Column("team_id", String(ID), nullable=False, server_default=""),
    Column("type", String(1), nullable=False),
    Column("name", String(64), nullable=False),
    Column("display_name", String(64), nullable=False, server_default=""),
    Column("header", String(1024), nullable=False, server_default=""),
    Column("purpose", String(250), nullable=False, server_default=""),
    _ms("last_post_at"),
    _ms("last_root_post_at"),
    Column("total_msg_count", BigInteger, nullable=False, server_default="0"),
    Column("total_msg_count_root", BigInteger, nullable=False, server_default="0"),
    Column("creator_id", String(ID), nullable=False, server_default=""),
    Column("props", Text, nullable=False, server_default="{}"),
    Index("ix_channels_name", "tenant_id", "team_id", "name", unique=True),
    Index("ix_channels_team_type", "tenant_id", "team_id", "type"),
)

channel_members = Table(
    "channel_members",
    metadata,
    _tenant(),
    _id("channel_id", primary_key=True),
    _id("user_id", primary_key=True),
    Column("scheme_user", Boolean, nullable=False, server_default="1"),
    Column("scheme_admin", Boolean, nullable=False, server_default="0"),
    Column("explicit_roles", String(256), nullable=False, server_default=""),
    _ms("last_viewed_at"),
    Column("msg_count", BigInteger, nullable=False, server_default="0"),
    Column("msg_count_root", BigInteger, nullable=False, server_default="0"),
    Column("mention_count", BigInteger, nullable=False, server_default="0"),
    Column("mention_count_root", BigInteger, nullable=False, server_default="0"),
    Column("urgent_mention_count", BigInteger, nullable=False, server_default="0"),
    Column("notify_props", Text, nullable=False, server_default="{}"),
    _ms("last_update_at"),
    Index("ix_channel_members_user", "tenant_id", "user_id"),
)

posts = Table(
    "posts",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    _ms("create_at"),
    _ms("update_at"),
    _ms("edit_at"),
    _ms("delete_at"),
    Column("is_pinned", Boolean, nullable=False, server_default="0"),
    _id("user_id"),
    _id("channel_id"),
    Column("root_id", String(ID), nullable=False, server_default=""),
    Column("original_id", String(ID), nullable=False, server_default=""),
    Column("message", Text, nullable=False, server_default=""),
    Column("type", String(64), nullable=False, server_default=""),
    Column("props", Text, nullable=False, server_default="{}"),
    Column("hashtags", String(1000), nullable=False, server_default=""),
    Column("file_ids", Text, nullable=False, server_default="[]"),
    Column("has_reactions", Boolean, nullable=False, server_default="0"),
    # Stored thread counters on root posts: no correlated COUNT(*) per listed post.
    Column("reply_count", BigInteger, nullable=False, server_default="0"),
    _ms("last_reply_at"),
    # A root's repliers, as a JSON array of ids in the order they first replied.
    Column("participants", Text, nullable=False, server_default="[]"),
    # id breaks create_at ties, so pages in (create_at, id) order come straight
    # off the index with no sort, however large the channel.
    Index("ix_posts_channel_create", "tenant_id", "channel_id", "create_at", "id"),
    Index("ix_posts_channel_update", "tenant_id", "channel_id", "update_at"),
    Index("ix_posts_root_create", "tenant_id", "root_id", "create_at", "id"),
    # from: searches, and anything else that lists one author's posts.
    Index("ix_posts_user_create", "tenant_id", "user_id", "create_at"),
)

# A user's relation to a thread (collapsed reply threads). Unread counts are stored and
# moved by each reply, never counted on read; the thread's last reply time is copied
# here so a user's thread list pages straight off one index.
thread_memberships = Table(
    "thread_memberships",
    metadata,
    _tenant(),
    _id("post_id", primary_key=True),
    _id("user_id", primary_key=True),
    _id("channel_id"),
    # "" for threads in direct and group channels, which show in every team.
    Column("team_id", String(ID), nullable=False, server_default=""),
    Column("following", Boolean, nullable=False, server_default="1"),
    _ms("last_viewed"),
    _ms("last_updated"),
    _ms("last_reply_at"),
    Column("unread_replies", BigInteger, nullable=False, server_default="0"),
    Column("unread_mentions", BigInteger, nullable=False, server_default="0"),
    _ms("thread_delete_at"),
    Index("ix_thread_memberships_user", "tenant_id", "user_id", "last_reply_at", "post_id"),
)
# Followers' counters still to move for a reply to a large thread: written with the
# reply, applied and deleted right after by any node (so a crash loses nothing).
thread_fanout_jobs = Table(
    "thread_fanout_jobs",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    _id("root_id"),
    Column("team_id", String(ID), nullable=False, server_default=""),
    _ms("first_at"),
    _ms("last_at"),
    Column("replies", BigInteger, nullable=False, server_default="0"),
    Column("repliers", Text, nullable=False, server_default="[]"),
    Column("mentions", Text, nullable=False, server_default="{}"),
    Column("newly_following", Text, nullable=False, server_default="[]"),
    _ms("create_at"),
    Index("ix_thread_fanout_jobs_root", "tenant_id", "root_id", "create_at"),
)

# A user's thread totals (followed, unread, unread mentions) from the index alone: the
# rows of one user are scattered, and reading them all costs a page each.
_live_followed = text("following AND thread_delete_at = 0")
Index(
    "ix_thread_memberships_totals",
    thread_memberships.c.tenant_id,
    thread_memberships.c.user_id,
    thread_memberships.c.team_id,
    thread_memberships.c.unread_replies,
    thread_memberships.c.unread_mentions,
    postgresql_where=_live_followed,
    sqlite_where=_live_followed,
)

reactions = Table(
    "reactions",
    metadata,
    _tenant(),
    _id("post_id", primary_key=True),
    _id("user_id", primary_key=True),
    Column("emoji_name", String(64), primary_key=True, nullable=False),
    _id("channel_id"),
    _ms("create_at"),
    _ms("update_at"),
    _ms("delete_at"),
)

# Custom emoji (Mattermost's Emoji). A name is unique among the live ones; a deleted
# emoji keeps its row (delete_at) and its name may be taken again. Images are in the file
# store (store/posts/emoji.py names the key).
emoji = Table(
    "emoji",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    _id("creator_id"),
    Column("name", String(64), nullable=False),
    _ms("create_at"),
    _ms("update_at"),
    _ms("delete_at"),
    Index("ix_emoji_name", "tenant_id", "name", "delete_at", unique=True),
)

preferences = Table(
    "preferences",
    metadata,
    _tenant(),
    _id("user_id", primary_key=True),
    Column("category", String(32), primary_key=True, nullable=False),
    Column("name", String(64), primary_key=True, nullable=False),
    Column("value", Text, nullable=False, server_default=""),
)

# Sidebar categories, per user and team (model/category.py). Only explicit placements are
# stored: a channel in no category shows in Channels (or Direct Messages) when read, so
# creating a channel or a DM writes nothing here.
sidebar_categories = Table(
    "sidebar_categories",
    metadata,
    _tenant(),
    # 26 characters, or "<type>_<user_id>_<team_id>" for the default ones.
    Column("id", String(80), primary_key=True, nullable=False),
    _id("user_id"),
    _id("team_id"),
    Column("sort_order", BigInteger, nullable=False, server_default="0"),
    Column("sorting", String(16), nullable=False, server_default=""),
    Column("type", String(32), nullable=False),
    Column("display_name", String(64), nullable=False, server_default=""),
    Column("muted", Boolean, nullable=False, server_default="0"),
    Column("collapsed", Boolean, nullable=False, server_default="0"),
    Index("ix_sidebar_categories_user", "tenant_id", "user_id", "team_id", "sort_order"),
)

# A channel placed in a category. The key holds a channel once per user and team, so it
# is in at most one category of a team (a direct or group channel once in each team).
sidebar_channels = Table(
    "sidebar_channels",
    metadata,
    _tenant(),
    _id("user_id", primary_key=True),
    _id("team_id", primary_key=True),
    _id("channel_id", primary_key=True),
    Column("category_id", String(80), nullable=False),
    Column("sort_order", BigInteger, nullable=False, server_default="0"),
    Index("ix_sidebar_channels_category", "tenant_id", "category_id", "sort_order"),
    # Leaving a channel forgets its places in every team.
    Index("ix_sidebar_channels_channel", "tenant_id", "channel_id"),
)

statuses = Table(
    "statuses",
    metadata,
    _tenant(),
    _id("user_id", primary_key=True),
    Column("status", String(32), nullable=False, server_default="offline"),
    Column("manual", Boolean, nullable=False, server_default="0"),
    _ms("last_activity_at"),
    # Seconds, as Mattermost sends it.
    Column("dnd_end_time", BigInteger, nullable=False, server_default="0"),
    Column("prev_status", String(32), nullable=False, server_default=""),
)

drafts = Table(
    "drafts",
    metadata,
    _tenant(),
    _id("user_id", primary_key=True),
    _id("channel_id", primary_key=True),
    # "" for a draft in the channel itself, else the thread's root post.
    Column("root_id", String(ID), primary_key=True, nullable=False, server_default=""),
    Column("message", Text, nullable=False, server_default=""),
    Column("props", Text, nullable=False, server_default="{}"),
    Column("file_ids", Text, nullable=False, server_default="[]"),
    _ms("create_at"),
    _ms("update_at"),
)

# Uploaded files. The content lives in the file store (local disk or S3) under keys made
# from the id alone, so a client's file name never reaches a path. post_id is "" until a
# post takes the file; uploads still unattached after a while are swept away.
file_infos = Table(
    "file_infos",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    _id("user_id"),
    _id("channel_id"),
    Column("post_id", String(ID), nullable=False, server_default=""),
    _ms("create_at"),
    _ms("update_at"),
    _ms("delete_at"),
    Column("name", String(256), nullable=False),
    Column("extension", String(256), nullable=False, server_default=""),
    Column("size", BigInteger, nullable=False, server_default="0"),
    Column("mime_type", String(256), nullable=False, server_default=""),
    Column("width", Integer, nullable=False, server_default="0"),
    Column("height", Integer, nullable=False, server_default="0"),
    Column("has_preview_image", Boolean, nullable=False, server_default="0"),
    # Thumbnail and preview objects exist (also for animated GIFs, which clients show
    # as themselves, so has_preview_image is false for them).
    Column("has_thumbnail", Boolean, nullable=False, server_default="0"),
    # Base64 of a 16x16 JPEG; "" when there is none.
    Column("mini_preview", Text, nullable=False, server_default=""),
    # A post's files, and the sweep of old unattached uploads (post_id "").
    Index("ix_file_infos_post", "tenant_id", "post_id", "create_at"),
)

# Integrations (migration 0008). Hooks and commands are soft-deleted (delete_at).
incoming_webhooks = Table(
    "incoming_webhooks",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    _ms("create_at"),
    _ms("update_at"),
    _ms("delete_at"),
    _id("user_id"),
    _id("channel_id"),
    _id("team_id"),
    Column("display_name", String(64), nullable=False, server_default=""),
    Column("description", String(500), nullable=False, server_default=""),
    Column("username", String(255), nullable=False, server_default=""),
    Column("icon_url", String(1024), nullable=False, server_default=""),
    Column("channel_locked", Boolean, nullable=False, server_default="0"),
    Index("ix_incoming_webhooks_team", "tenant_id", "team_id", "create_at"),
)

outgoing_webhooks = Table(
    "outgoing_webhooks",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    _id("token"),
    _ms("create_at"),
    _ms("update_at"),
    _ms("delete_at"),
    _id("creator_id"),
    _id("team_id"),
    Column("channel_id", String(ID), nullable=False, server_default=""),
    Column("trigger_words", Text, nullable=False, server_default="[]"),
    Column("trigger_when", Integer, nullable=False, server_default="0"),
    Column("callback_urls", Text, nullable=False, server_default="[]"),
    Column("display_name", String(64), nullable=False, server_default=""),
    Column("description", String(500), nullable=False, server_default=""),
    Column("content_type", String(128), nullable=False, server_default=""),
    Column("username", String(255), nullable=False, server_default=""),
    Column("icon_url", String(1024), nullable=False, server_default=""),
    Index("ix_outgoing_webhooks_team", "tenant_id", "team_id", "create_at"),
)

commands = Table(
    "commands",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    _id("token"),
    _ms("create_at"),
    _ms("update_at"),
    _ms("delete_at"),
    _id("creator_id"),
    _id("team_id"),
    Column("trigger", String(128), nullable=False),
    Column("method", String(1), nullable=False, server_default="P"),
    Column("url", String(1024), nullable=False),
    Column("username", String(255), nullable=False, server_default=""),
    Column("icon_url", String(1024), nullable=False, server_default=""),
    Column("auto_complete", Boolean, nullable=False, server_default="0"),
    Column("auto_complete_desc", String(1024), nullable=False, server_default=""),
    Column("auto_complete_hint", String(1024), nullable=False, server_default=""),
    Column("display_name", String(64), nullable=False, server_default=""),
    Column("description", String(128), nullable=False, server_default=""),
    Index("ix_commands_team_trigger", "tenant_id", "team_id", "trigger"),
)

# A custom command's response_url: lets the integration reply later, a few times.
command_webhooks = Table(
    "command_webhooks",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    _ms("create_at"),
    _id("command_id"),
    _id("user_id"),
    _id("channel_id"),
    Column("root_id", String(ID), nullable=False, server_default=""),
    Column("use_count", Integer, nullable=False, server_default="0"),
)

# Outbound calls still to make (outgoing webhooks): written after the post commits,
# claimed by any node (a lease in next_attempt_at, FOR UPDATE SKIP LOCKED), retried
# with backoff, deleted once delivered, kept with state "failed" when attempts run out.
outbound_deliveries = Table(
    "outbound_deliveries",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("source_id", String(ID), nullable=False, server_default=""),
    Column("url", String(1024), nullable=False),
    Column("content_type", String(128), nullable=False),
    Column("body", Text, nullable=False, server_default=""),
    Column("context", Text, nullable=False, server_default="{}"),
    Column("state", String(16), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    _ms("next_attempt_at"),
    Column("last_error", String(512), nullable=False, server_default=""),
    _ms("create_at"),
    _ms("update_at"),
    Index("ix_outbound_deliveries_state", "tenant_id", "state", "update_at"),
)
# The workers' scan serves every tenant, so this index alone does not lead with tenant_id.
Index(
    "ix_outbound_deliveries_due",
    outbound_deliveries.c.state,
    outbound_deliveries.c.next_attempt_at,
)

# Requests and posts per tenant per day (UTC), added to by every node once a minute:
# for billing, and the posts-per-day quota.
tenant_daily_usage = Table(
    "tenant_daily_usage",
    metadata,
    Column("tenant_id", String(26), primary_key=True),
    Column("day", String(10), primary_key=True),  # 2026-11-28
    Column("requests", BigInteger, nullable=False, server_default="0"),
    Column("posts", BigInteger, nullable=False, server_default="0"),
)

# Custom domains mapped to tenants (with `tenants`, the directory: not tenant-scoped).
tenant_domains = Table(
    "tenant_domains",
    metadata,
    Column("domain", String(253), primary_key=True),
    Column("tenant_id", String(26), nullable=False),
    Index("ix_tenant_domains_tenant", "tenant_id"),
)

# The audit log (Mattermost's Audits): security-relevant actions, newest read first, per
# tenant or per user; rows older than the retention are purged in bounded batches.
audits = Table(
    "audits",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    _ms("create_at"),
    Column("user_id", String(ID), nullable=False, server_default=""),
    Column("action", String(512), nullable=False),
    Column("extra_info", String(1024), nullable=False, server_default=""),
    Column("ip_address", String(64), nullable=False, server_default=""),
    Column("session_id", String(ID), nullable=False, server_default=""),
    Index("ix_audits_time", "tenant_id", "create_at"),
    Index("ix_audits_user", "tenant_id", "user_id", "create_at"),
    # The purge works across tenants by age alone, so this one does not lead with tenant_id.
    Index("ix_audits_expiring", "create_at"),
)

# The notification outbox (app/notifications/outbox.py): a "post" row per post, written
# right after its commit, is worked off the post path into one row per email or push
# (and digest item); every node claims due rows (FOR UPDATE SKIP LOCKED on PostgreSQL),
# a failed one is retried with backoff and kept as "failed" when attempts run out.
notification_outbox = Table(
    "notification_outbox",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    Column("kind", String(16), nullable=False),
    # Whom a push, email or digest item is for; "" for the post jobs.
    Column("user_id", String(ID), nullable=False, server_default=""),
    Column("payload", Text, nullable=False, server_default="{}"),
    Column("state", String(16), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    _ms("next_attempt_at"),
    Column("last_error", String(512), nullable=False, server_default=""),
    _ms("create_at"),
    _ms("update_at"),
    Index("ix_notification_outbox_state", "tenant_id", "state", "update_at"),
    # A user's digest items, gathered into one email.
    Index("ix_notification_outbox_user", "tenant_id", "user_id", "kind", "create_at"),
)
# The workers' scan serves every tenant, so this index alone does not lead with tenant_id.
Index(
    "ix_notification_outbox_due",
    notification_outbox.c.state,
    notification_outbox.c.next_attempt_at,
)

# Single-use tokens sent by email (Mattermost's Tokens): password reset, email
# verification, team invitations. Only the SHA-256 of the token is kept.
email_tokens = Table(
    "email_tokens",
    metadata,
    _tenant(),
    Column("token_hash", String(64), primary_key=True, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("user_id", String(ID), nullable=False, server_default=""),
    Column("extra", Text, nullable=False, server_default="{}"),
    _ms("create_at"),
    _ms("expires_at"),
    Index("ix_email_tokens_user", "tenant_id", "user_id", "kind"),
)

# Import jobs (migration 0026, issue 25): Mattermost's Jobs of type import_process, kept
# apart from any other job table. data holds the file's name and the counts so far.
import_jobs = Table(
    "import_jobs",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    Column("type", String(32), nullable=False, server_default="import_process"),
    Column("status", String(32), nullable=False, server_default="pending"),
    Column("progress", Integer, nullable=False, server_default="0"),
    Column("data", Text, nullable=False, server_default="{}"),
    _ms("create_at"),
    _ms("start_at"),
    _ms("last_activity_at"),
    Index("ix_import_jobs_time", "tenant_id", "create_at"),
)

# Resumable uploads of import files (Mattermost's UploadSessions of type "import"): the
# bytes go to a local spool; a complete upload becomes a file GET /imports lists.
import_uploads = Table(
    "import_uploads",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    _id("user_id"),
    Column("filename", String(256), nullable=False),
    Column("file_size", BigInteger, nullable=False, server_default="0"),
    Column("file_offset", BigInteger, nullable=False, server_default="0"),
    _ms("create_at"),
)

# Single sign-on (migration 0027). A user signed in through a provider is found by the
# provider's id for them (Mattermost's AuthData), per service.
Index("ix_users_auth", users.c.tenant_id, users.c.auth_service, users.c.auth_data)
# What a sign-in carries across the provider's pages and back, used once: an OAuth
# state (with its PKCE verifier and nonce), a SAML request id (its InResponseTo), or the
# mobile app's one-time login code. The id is a hash of the secret the client holds.
sso_states = Table(
    "sso_states",
    metadata,
    _tenant(),
    Column("id", String(64), primary_key=True, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("service", String(32), nullable=False),
    # The browser's own cookie, hashed: a state from another browser is refused.
    Column("cookie_hash", String(64), nullable=False, server_default=""),
    # What the flow needs when it comes back (action, redirect, nonce, PKCE verifier,
    # the user's email for a switch, a login code's user and session), as JSON.
    Column("props", Text, nullable=False, server_default="{}"),
    _ms("create_at"),
    _ms("expires_at"),
    Index("ix_sso_states_expiry", "tenant_id", "expires_at"),
)
# A tenant's own identity provider for a service (each organisation brings its own):
# the settings of that service as JSON, overriding the ROOST_* defaults for the tenant.
sso_providers = Table(
    "sso_providers",
    metadata,
    _tenant(),
    Column("service", String(32), primary_key=True, nullable=False),
    Column("settings", Text, nullable=False, server_default="{}"),
    _ms("update_at"),
)

__all__ = [
    "access_tokens",
    "app_subscriptions",
    "apps",
    "bots",
    "channel_members",
    "channels",
    "command_webhooks",
    "commands",
    "drafts",
    "emoji",
    "file_infos",
    "incoming_webhooks",
    "metadata",
    "outbound_deliveries",
    "outgoing_webhooks",
    "plugin_kv",
    "plugins",
    "posts",
    "preferences",
    "reactions",
    "sessions",
    "sidebar_categories",
    "sidebar_channels",
    "statuses",
    "team_members",
    "teams",
    "tenant_daily_usage",
    "tenant_domains",
    "thread_fanout_jobs",
    "thread_memberships",
    "users",
]

# More tables in modules of their own, for this one's length: HTTP apps' and plugins',
# administration's (issue 24) and everyday messaging's (issue 23). Imported here so that ``metadata`` (and every
# reader of the schema) has them, and the extension tables keep their old import path.
from roost.store import tables_messaging as tables_messaging  # noqa: E402
from roost.store.admin import schema as admin_schema  # noqa: E402, F401
from roost.store.tables_extensions import (  # noqa: E402
    app_subscriptions as app_subscriptions,
)
from roost.store.tables_extensions import apps as apps  # noqa: E402
from roost.store.tables_extensions import plugin_kv as plugin_kv  # noqa: E402
from roost.store.tables_extensions import plugins as plugins  # noqa: E402
