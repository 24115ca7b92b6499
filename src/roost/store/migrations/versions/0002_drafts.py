"""drafts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("tenant_id", sa.String(length=26), nullable=False),
        sa.Column("user_id", sa.String(length=26), nullable=False),
        sa.Column("channel_id", sa.String(length=26), nullable=False),
        sa.Column("root_id", sa.String(length=26), server_default="", nullable=False),
        sa.Column("message", sa.Text(), server_default="", nullable=False),
        sa.Column("props", sa.Text(), server_default="{}", nullable=False),
        sa.Column("file_ids", sa.Text(), server_default="[]", nullable=False),
        sa.Column("create_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("update_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "user_id", "channel_id", "root_id"),
    )


def downgrade() -> None:
    op.drop_table("drafts")
