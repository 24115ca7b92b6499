"""everyday messaging (issue 23): link previews, scheduled posts, reminders, priority

Link metadata cached per URL and the preview each post shows; scheduled posts and post
reminders, each claimed by one node when due (the due indexes span tenants: any node
sends any tenant's due rows); post priorities and acknowledgements. Every table has the
tenant leading its key and sits behind the tenant wall on PostgreSQL.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.db.row_security import protect, unprotect

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

TABLES = (
    "link_metadata",
    "post_link_previews",
    "scheduled_posts",
    "post_reminders",
    "post_priorities",
    "post_acknowledgements",
)


def _tenant() -> sa.Column[str]:
    return sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False)


def _ms(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger, nullable=False, server_default="0")


def upgrade() -> None:
    op.create_table(
        "link_metadata",
        _tenant(),
        sa.Column("url_hash", sa.String(64), primary_key=True, nullable=False),
        sa.Column("url", sa.String(1024), nullable=False),
        _ms("fetched_at"),
        sa.Column("kind", sa.String(16), nullable=False, server_default="none"),
        sa.Column("data", sa.Text, nullable=False, server_default="{}"),
    )
    op.create_table(
        "post_link_previews",
        _tenant(),
        sa.Column("post_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("url", sa.String(1024), nullable=False),
        sa.Column("url_hash", sa.String(64), nullable=False, server_default=""),
        sa.Column("target_id", sa.String(26), nullable=False, server_default=""),
    )
    op.create_table(
        "scheduled_posts",
        _tenant(),
        sa.Column("id", sa.String(26), primary_key=True, nullable=False),
        _ms("create_at"),
        _ms("update_at"),
        sa.Column("user_id", sa.String(26), nullable=False),
        sa.Column("channel_id", sa.String(26), nullable=False),
        sa.Column("root_id", sa.String(26), nullable=False, server_default=""),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
        sa.Column("props", sa.Text, nullable=False, server_default="{}"),
        sa.Column("file_ids", sa.Text, nullable=False, server_default="[]"),
        sa.Column("priority", sa.Text, nullable=False, server_default=""),
        _ms("scheduled_at"),
        _ms("processed_at"),
        _ms("claimed_at"),
        sa.Column("claimed_by", sa.String(64), nullable=False, server_default=""),
        sa.Column("error_code", sa.String(64), nullable=False, server_default=""),
    )
    op.create_index(
        "ix_scheduled_posts_user", "scheduled_posts", ["tenant_id", "user_id", "scheduled_at"]
    )
    op.create_index(
        "ix_scheduled_posts_due",
        "scheduled_posts",
        ["scheduled_at"],
        postgresql_where=sa.text("processed_at = 0"),
        sqlite_where=sa.text("processed_at = 0"),
    )
    op.create_table(
        "post_reminders",
        _tenant(),
        sa.Column("post_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("user_id", sa.String(26), primary_key=True, nullable=False),
        _ms("target_time"),
        _ms("claimed_at"),
        sa.Column("claimed_by", sa.String(64), nullable=False, server_default=""),
    )
    op.create_index("ix_post_reminders_due", "post_reminders", ["target_time"])
    op.create_table(
        "post_priorities",
        _tenant(),
        sa.Column("post_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("channel_id", sa.String(26), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False, server_default=""),
        sa.Column("requested_ack", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("persistent_notifications", sa.Boolean, nullable=False, server_default="0"),
    )
    op.create_table(
        "post_acknowledgements",
        _tenant(),
        sa.Column("post_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("user_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("channel_id", sa.String(26), nullable=False),
        _ms("acknowledged_at"),
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for table in TABLES:
            protect(conn, table)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for table in TABLES:
            unprotect(conn, table)
    op.drop_index("ix_post_reminders_due", table_name="post_reminders")
    op.drop_index("ix_scheduled_posts_due", table_name="scheduled_posts")
    op.drop_index("ix_scheduled_posts_user", table_name="scheduled_posts")
    for table in reversed(TABLES):
        op.drop_table(table)
