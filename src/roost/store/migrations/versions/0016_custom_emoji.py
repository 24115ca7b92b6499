"""custom emoji per tenant (issue 18)

One row per emoji, behind the tenant wall on PostgreSQL; the images are in the file store.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.db.row_security import protect

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "emoji",
        sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("creator_id", sa.String(26), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("create_at", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("update_at", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("delete_at", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.create_index("ix_emoji_name", "emoji", ["tenant_id", "name", "delete_at"], unique=True)
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        protect(conn, "emoji")


def downgrade() -> None:
    op.drop_index("ix_emoji_name", table_name="emoji")
    op.drop_table("emoji")
