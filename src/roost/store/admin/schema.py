"""Administration's tables (issue 24): stored configuration, who posted per day, data
retention policies and jobs. Defined on ``roost.store.tables``' metadata, which imports
this module at its end."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text

from roost.store.tables import ID, _id, _ms, _tenant, metadata

# Stored configuration (the config API, issue 24): one row per tenant with the settings
# its admin changed, by Mattermost path, and one row under tenant_id '' for the
# deployment's (the operator's). Every row lives in the directory's database, beside the
# tenants; ``version`` makes each change a compare-and-swap.
config_documents = Table(
    "config_documents",
    metadata,
    Column("tenant_id", String(ID), primary_key=True, nullable=False),
    Column("version", BigInteger, nullable=False, server_default="0"),
    Column("doc", Text, nullable=False, server_default="{}"),
    _ms("update_at"),
    Column("update_by", String(ID), nullable=False, server_default=""),
)

# Who posted on which UTC day (issue 24's active-users statistics), written in batches by
# the node that took each post; one row per user and day, so reading a month is cheap
# however many posts there are.
daily_posters = Table(
    "daily_posters",
    metadata,
    _tenant(),
    Column("day", String(10), primary_key=True, nullable=False),
    _id("user_id", primary_key=True),
)

# How many users posted each day: moved by the rows added to daily_posters, so the
# statistics read 30 rows, not every poster of the month.
daily_poster_counts = Table(
    "daily_poster_counts",
    metadata,
    _tenant(),
    Column("day", String(10), primary_key=True, nullable=False),
    Column("users", BigInteger, nullable=False, server_default="0"),
)

# Data retention policies (Mattermost's granular policies): days to keep a team's or a
# channel's posts; a team or channel is in at most one policy.
retention_policies = Table(
    "retention_policies",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    Column("display_name", String(64), nullable=False),
    Column("post_duration", BigInteger, nullable=False),
    _ms("create_at"),
)
retention_policy_teams = Table(
    "retention_policy_teams",
    metadata,
    _tenant(),
    _id("team_id", primary_key=True),
    _id("policy_id"),
    Index("ix_retention_policy_teams_policy", "tenant_id", "policy_id"),
)
retention_policy_channels = Table(
    "retention_policy_channels",
    metadata,
    _tenant(),
    _id("channel_id", primary_key=True),
    _id("policy_id"),
    Index("ix_retention_policy_channels_policy", "tenant_id", "policy_id"),
)

# Jobs (Mattermost's Jobs: data retention, ...), in the directory's database so any node
# finds the pending ones in one query; a node claims one by a conditional update.
jobs = Table(
    "jobs",
    metadata,
    _tenant(),
    _id("id", primary_key=True),
    Column("type", String(32), nullable=False),
    Column("status", String(32), nullable=False),
    Column("progress", Integer, nullable=False, server_default="0"),
    _ms("create_at"),
    _ms("start_at"),
    _ms("last_activity_at"),
    Column("node", String(ID), nullable=False, server_default=""),
    Column("data", Text, nullable=False, server_default="{}"),
    Index("ix_jobs_type", "tenant_id", "type", "create_at"),
    # Nodes look for pending jobs across tenants, so this one does not lead with tenant_id.
    Index("ix_jobs_status", "status"),
)
