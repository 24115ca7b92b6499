"""apps: installed HTTP apps and their event subscriptions

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def _id(name: str, primary_key: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(26), primary_key=primary_key, nullable=False)


def _ms(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger, nullable=False, server_default="0")


def upgrade() -> None:
    op.create_table(
        "apps",
        _id("tenant_id", primary_key=True),
        sa.Column("app_id", sa.String(32), primary_key=True, nullable=False),
        sa.Column("manifest", sa.Text, nullable=False),
        sa.Column("root_url", sa.String(1024), nullable=False),
        sa.Column("use_jwt", sa.Boolean, nullable=False, server_default="1"),
        sa.Column("secret", sa.String(128), nullable=False),
        _id("bot_user_id"),
        _id("bot_token_id"),
        sa.Column("bot_token", sa.String(64), nullable=False),
        _id("installed_by"),
        _ms("create_at"),
        _ms("update_at"),
    )
    op.create_index("ix_apps_bot", "apps", ["tenant_id", "bot_user_id"], unique=True)
    op.create_table(
        "app_subscriptions",
        _id("tenant_id", primary_key=True),
        sa.Column("app_id", sa.String(32), primary_key=True, nullable=False),
        sa.Column("subject", sa.String(32), primary_key=True, nullable=False),
        sa.Column("team_id", sa.String(26), primary_key=True, nullable=False, server_default=""),
        sa.Column("channel_id", sa.String(26), primary_key=True, nullable=False, server_default=""),
        sa.Column("call", sa.Text, nullable=False),
        _ms("create_at"),
    )


def downgrade() -> None:
    op.drop_table("app_subscriptions")
    op.drop_index("ix_apps_bot", table_name="apps")
    op.drop_table("apps")
