"""sidebar categories per user and team (issue 18)

Categories and the channels placed in them explicitly; channels in no category are
listed in Channels or Direct Messages when read (app/channels/categories.py).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.db.row_security import protect

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_TABLES = ("sidebar_categories", "sidebar_channels")


def upgrade() -> None:
    op.create_table(
        "sidebar_categories",
        sa.Column("tenant_id", sa.String(length=26), nullable=False),
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("user_id", sa.String(length=26), nullable=False),
        sa.Column("team_id", sa.String(length=26), nullable=False),
        sa.Column("sort_order", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("sorting", sa.String(length=16), server_default="", nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=64), server_default="", nullable=False),
        sa.Column("muted", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("collapsed", sa.Boolean(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    op.create_index(
        "ix_sidebar_categories_user",
        "sidebar_categories",
        ["tenant_id", "user_id", "team_id", "sort_order"],
    )
    op.create_table(
        "sidebar_channels",
        sa.Column("tenant_id", sa.String(length=26), nullable=False),
        sa.Column("user_id", sa.String(length=26), nullable=False),
        sa.Column("team_id", sa.String(length=26), nullable=False),
        sa.Column("channel_id", sa.String(length=26), nullable=False),
        sa.Column("category_id", sa.String(length=80), nullable=False),
        sa.Column("sort_order", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "user_id", "team_id", "channel_id"),
    )
    op.create_index(
        "ix_sidebar_channels_category",
        "sidebar_channels",
        ["tenant_id", "category_id", "sort_order"],
    )
    op.create_index("ix_sidebar_channels_channel", "sidebar_channels", ["tenant_id", "channel_id"])
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for table in _TABLES:
            protect(conn, table)


def downgrade() -> None:
    op.drop_index("ix_sidebar_channels_channel", table_name="sidebar_channels")
    op.drop_index("ix_sidebar_channels_category", table_name="sidebar_channels")
    op.drop_table("sidebar_channels")
    op.drop_index("ix_sidebar_categories_user", table_name="sidebar_categories")
    op.drop_table("sidebar_categories")
