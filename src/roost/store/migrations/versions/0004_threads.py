"""collapsed reply threads: participants on roots, thread memberships

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def _ms(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger, nullable=False, server_default="0")


def upgrade() -> None:
    # A column with a constant default is a catalogue change on PostgreSQL 11+, not a
    # table rewrite: this migration does not block posting on a large database.
    op.add_column("posts", sa.Column("participants", sa.Text, nullable=False, server_default="[]"))
    op.create_table(
        "thread_memberships",
        sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("post_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("user_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("channel_id", sa.String(26), nullable=False),
        sa.Column("team_id", sa.String(26), nullable=False, server_default=""),
        sa.Column("following", sa.Boolean, nullable=False, server_default="1"),
        _ms("last_viewed"),
        _ms("last_updated"),
        _ms("last_reply_at"),
        sa.Column("unread_replies", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("unread_mentions", sa.BigInteger, nullable=False, server_default="0"),
        _ms("thread_delete_at"),
    )
    op.create_index(
        "ix_thread_memberships_user",
        "thread_memberships",
        ["tenant_id", "user_id", "last_reply_at", "post_id"],
    )
    op.create_index(
        "ix_thread_memberships_totals",
        "thread_memberships",
        ["tenant_id", "user_id", "team_id", "unread_replies", "unread_mentions"],
        postgresql_where=sa.text("following AND thread_delete_at = 0"),
        sqlite_where=sa.text("following AND thread_delete_at = 0"),
    )
    op.create_table(
        "thread_fanout_jobs",
        sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("root_id", sa.String(26), nullable=False),
        sa.Column("team_id", sa.String(26), nullable=False, server_default=""),
        _ms("first_at"),
        _ms("last_at"),
        sa.Column("replies", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("repliers", sa.Text, nullable=False, server_default="[]"),
        sa.Column("mentions", sa.Text, nullable=False, server_default="{}"),
        sa.Column("newly_following", sa.Text, nullable=False, server_default="[]"),
        _ms("create_at"),
    )
    op.create_index(
        "ix_thread_fanout_jobs_root", "thread_fanout_jobs", ["tenant_id", "root_id", "create_at"]
    )
    if op.get_bind().dialect.name == "postgresql":
        # Every reply rewrites its followers' rows: vacuum often, so the totals index
        # keeps answering from the index alone (its pages must be marked all-visible).
        op.execute(
            "ALTER TABLE thread_memberships SET (autovacuum_vacuum_scale_factor = 0.02, "
            "autovacuum_analyze_scale_factor = 0.05)"
        )


def downgrade() -> None:
    op.drop_table("thread_fanout_jobs")
    op.drop_table("thread_memberships")
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("participants")
