"""plugins: installed server plugins and their key-value stores

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plugins",
        sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("id", sa.String(190), primary_key=True, nullable=False),
        sa.Column("source", sa.String(16), nullable=False, server_default="uploaded"),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("trusted", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("manifest", sa.Text, nullable=False, server_default="{}"),
        sa.Column("settings", sa.Text, nullable=False, server_default="{}"),
        sa.Column("bundle", sa.LargeBinary, nullable=True),
        sa.Column("bundle_sha256", sa.String(64), nullable=False, server_default=""),
        sa.Column("update_at", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.create_table(
        "plugin_kv",
        sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("plugin_id", sa.String(190), primary_key=True, nullable=False),
        sa.Column("key", sa.String(150), primary_key=True, nullable=False),
        sa.Column("value", sa.LargeBinary, nullable=False),
        sa.Column("expire_at", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.create_index("ix_plugin_kv_expire", "plugin_kv", ["tenant_id", "expire_at"])


def downgrade() -> None:
    op.drop_table("plugin_kv")
    op.drop_table("plugins")
