"""plugins per tenant: partial indexes for the runtime's reads across tenants

Every tenant's enabled plugins (a node starting with many tenants' plugins enabled) and
every tenant's expired plugin keys (the sweep) are read across tenants; each index holds
only the rows its read wants.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_plugins_enabled",
        "plugins",
        ["tenant_id", "id"],
        postgresql_where=sa.text("enabled"),
        sqlite_where=sa.text("enabled = 1"),
    )
    op.create_index(
        "ix_plugin_kv_expiring",
        "plugin_kv",
        ["expire_at"],
        postgresql_where=sa.text("expire_at > 0"),
        sqlite_where=sa.text("expire_at > 0"),
    )


def downgrade() -> None:
    op.drop_index("ix_plugin_kv_expiring", table_name="plugin_kv")
    op.drop_index("ix_plugins_enabled", table_name="plugins")
