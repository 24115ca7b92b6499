"""integrations: incoming and outgoing webhooks, slash commands, outbound deliveries

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def _id(name: str, primary_key: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(26), primary_key=primary_key, nullable=False)


def _ms(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger, nullable=False, server_default="0")


def _text(name: str, length: int, default: str = "") -> sa.Column[str]:
    return sa.Column(name, sa.String(length), nullable=False, server_default=default)


def upgrade() -> None:
    op.create_table(
        "incoming_webhooks",
        _id("tenant_id", primary_key=True),
        _id("id", primary_key=True),
        _ms("create_at"),
        _ms("update_at"),
        _ms("delete_at"),
        _id("user_id"),
        _id("channel_id"),
        _id("team_id"),
        _text("display_name", 64),
        _text("description", 500),
        _text("username", 255),
        _text("icon_url", 1024),
        sa.Column("channel_locked", sa.Boolean, nullable=False, server_default="0"),
    )
    op.create_index(
        "ix_incoming_webhooks_team", "incoming_webhooks", ["tenant_id", "team_id", "create_at"]
    )
    op.create_table(
        "outgoing_webhooks",
        _id("tenant_id", primary_key=True),
        _id("id", primary_key=True),
        _id("token"),
        _ms("create_at"),
        _ms("update_at"),
        _ms("delete_at"),
        _id("creator_id"),
        _id("team_id"),
        _text("channel_id", 26),
        sa.Column("trigger_words", sa.Text, nullable=False, server_default="[]"),
        sa.Column("trigger_when", sa.Integer, nullable=False, server_default="0"),
        sa.Column("callback_urls", sa.Text, nullable=False, server_default="[]"),
        _text("display_name", 64),
        _text("description", 500),
        _text("content_type", 128),
        _text("username", 255),
        _text("icon_url", 1024),
    )
    op.create_index(
        "ix_outgoing_webhooks_team", "outgoing_webhooks", ["tenant_id", "team_id", "create_at"]
    )
    op.create_table(
        "commands",
        _id("tenant_id", primary_key=True),
        _id("id", primary_key=True),
        _id("token"),
        _ms("create_at"),
        _ms("update_at"),
        _ms("delete_at"),
        _id("creator_id"),
        _id("team_id"),
        sa.Column("trigger", sa.String(128), nullable=False),
        _text("method", 1, "P"),
        sa.Column("url", sa.String(1024), nullable=False),
        _text("username", 255),
        _text("icon_url", 1024),
        sa.Column("auto_complete", sa.Boolean, nullable=False, server_default="0"),
        _text("auto_complete_desc", 1024),
        _text("auto_complete_hint", 1024),
        _text("display_name", 64),
        _text("description", 128),
    )
    op.create_index("ix_commands_team_trigger", "commands", ["tenant_id", "team_id", "trigger"])
    op.create_table(
        "command_webhooks",
        _id("tenant_id", primary_key=True),
        _id("id", primary_key=True),
        _ms("create_at"),
        _id("command_id"),
        _id("user_id"),
        _id("channel_id"),
        _text("root_id", 26),
        sa.Column("use_count", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "outbound_deliveries",
        _id("tenant_id", primary_key=True),
        _id("id", primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        _text("source_id", 26),
        sa.Column("url", sa.String(1024), nullable=False),
        sa.Column("content_type", sa.String(128), nullable=False),
        sa.Column("body", sa.Text, nullable=False, server_default=""),
        sa.Column("context", sa.Text, nullable=False, server_default="{}"),
        _text("state", 16, "pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        _ms("next_attempt_at"),
        _text("last_error", 512),
        _ms("create_at"),
        _ms("update_at"),
    )
    op.create_index(
        "ix_outbound_deliveries_state",
        "outbound_deliveries",
        ["tenant_id", "state", "update_at"],
    )
    op.create_index(
        "ix_outbound_deliveries_due", "outbound_deliveries", ["state", "next_attempt_at"]
    )


def downgrade() -> None:
    for table in (
        "outbound_deliveries",
        "command_webhooks",
        "commands",
        "outgoing_webhooks",
        "incoming_webhooks",
    ):
        op.drop_table(table)
