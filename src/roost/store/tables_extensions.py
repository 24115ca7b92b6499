"""The extension tables: HTTP apps and server plugins, on the schema's ``metadata``
(``roost.store.tables`` imports this module at its end and re-exports the names)."""

from sqlalchemy import BigInteger, Boolean, Column, Index, LargeBinary, String, Table, Text, text

from roost.store.tables import ID, metadata


def _tenant() -> Column[str]:
    return Column("tenant_id", String(ID), primary_key=True, nullable=False)


def _id(name: str, primary_key: bool = False) -> Column[str]:
    return Column(name, String(ID), primary_key=primary_key, nullable=False)


def _ms(name: str) -> Column[int]:
    return Column(name, BigInteger, nullable=False, server_default="0")


# HTTP apps (app/integrations/apps/apps.py): one row per installed app, with its bot and the secret its
# calls are signed with; the bot's token is kept to hand to the app in each call.
apps = Table(
    "apps",
    metadata,
    _tenant(),
    Column("app_id", String(32), primary_key=True, nullable=False),
    Column("manifest", Text, nullable=False),
    Column("root_url", String(1024), nullable=False),
    Column("use_jwt", Boolean, nullable=False, server_default="1"),
    Column("secret", String(128), nullable=False),
    _id("bot_user_id"),
    _id("bot_token_id"),
    Column("bot_token", String(64), nullable=False),
    _id("installed_by"),
    _ms("create_at"),
    _ms("update_at"),
    Index("ix_apps_bot", "tenant_id", "bot_user_id", unique=True),
)

# What an app asked to hear of (app/integrations/apps/events.py); empty team/channel: any.
app_subscriptions = Table(
    "app_subscriptions",
    metadata,
    _tenant(),
    Column("app_id", String(32), primary_key=True, nullable=False),
    Column("subject", String(32), primary_key=True, nullable=False),
    Column("team_id", String(ID), primary_key=True, nullable=False, server_default=""),
    Column("channel_id", String(ID), primary_key=True, nullable=False, server_default=""),
    Column("call", Text, nullable=False),
    _ms("create_at"),
)


# Server plugins: which are installed (uploaded bundles are kept here, so every node can
# unpack the same code), enabled and trusted, and their settings. Bundled plugins get a
# row once an admin enables or configures one.
plugins = Table(
    "plugins",
    metadata,
    _tenant(),
    Column("id", String(190), primary_key=True, nullable=False),
    Column("source", String(16), nullable=False, server_default="uploaded"),
    Column("enabled", Boolean, nullable=False, server_default="0"),
    # Trusted plugins run inside the server process; others in the shared plugin host.
    Column("trusted", Boolean, nullable=False, server_default="0"),
    Column("manifest", Text, nullable=False, server_default="{}"),
    Column("settings", Text, nullable=False, server_default="{}"),
    Column("bundle", LargeBinary, nullable=True),
    Column("bundle_sha256", String(64), nullable=False, server_default=""),
    _ms("update_at"),
)

# Each plugin's key-value store. expire_at 0 never expires; an expired row reads as
# absent, is replaced by the next write, and is swept by the plugin runtime.
plugin_kv = Table(
    "plugin_kv",
    metadata,
    _tenant(),
    Column("plugin_id", String(190), primary_key=True, nullable=False),
    Column("key", String(150), primary_key=True, nullable=False),
    Column("value", LargeBinary, nullable=False),
    _ms("expire_at"),
    # The sweep of expired keys.
    Index("ix_plugin_kv_expire", "tenant_id", "expire_at"),
)
# The plugin runtime's reads across tenants: every tenant's enabled plugins (a node
# starting), and every tenant's expired keys (its sweep). Partial, so each holds only
# the rows those reads want; the second alone does not lead with tenant_id.
Index(
    "ix_plugins_enabled",
    plugins.c.tenant_id,
    plugins.c.id,
    postgresql_where=text("enabled"),
    sqlite_where=text("enabled = 1"),  # as SQLAlchemy writes the condition there
)
Index(
    "ix_plugin_kv_expiring",
    plugin_kv.c.expire_at,
    postgresql_where=text("expire_at > 0"),
    sqlite_where=text("expire_at > 0"),
)
