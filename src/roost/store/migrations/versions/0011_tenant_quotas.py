"""tenant quotas: stored bytes and posts per day; daily usage counts posts too

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch_op:
        # 0: no limit.
        batch_op.add_column(
            sa.Column("max_storage_bytes", sa.BigInteger, nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("max_posts_per_day", sa.Integer, nullable=False, server_default="0")
        )
    op.rename_table("tenant_requests", "tenant_daily_usage")
    with op.batch_alter_table("tenant_daily_usage") as batch_op:
        batch_op.add_column(sa.Column("posts", sa.BigInteger, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("tenant_daily_usage") as batch_op:
        batch_op.drop_column("posts")
    op.rename_table("tenant_daily_usage", "tenant_requests")
    with op.batch_alter_table("tenants") as batch_op:
        batch_op.drop_column("max_posts_per_day")
        batch_op.drop_column("max_storage_bytes")
