"""user_groups: one group per directory group (tenant, source, remote_id), so that two
nodes linking the same LDAP group at once cannot make two

Revision ID: 0038
Revises: 0033
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038"
down_revision: str | None = "0033"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    # Partial: custom groups all have an empty remote_id.
    op.create_index(
        "ux_user_groups_remote",
        "user_groups",
        ["tenant_id", "source", "remote_id"],
        unique=True,
        postgresql_where=sa.text("remote_id <> ''"),
        sqlite_where=sa.text("remote_id <> ''"),
    )


def downgrade() -> None:
    op.drop_index("ux_user_groups_remote", table_name="user_groups")
