"""roles and their permissions per tenant (issue 18)

Mattermost's built-in roles, one copy per tenant: the rows are made from the shipped
defaults the first time a tenant needs them (app/accounts/roles.py), so the migration
only makes the table.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.db.row_security import protect, unprotect

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "roles",
        sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(128), nullable=False),
        sa.Column("description", sa.String(1024), nullable=False, server_default=""),
        sa.Column("permissions", sa.Text, nullable=False, server_default=""),
        sa.Column("scheme_managed", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("built_in", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("create_at", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("update_at", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("delete_at", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.create_index("ix_roles_name", "roles", ["tenant_id", "name"], unique=True)
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        protect(conn, "roles")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        unprotect(conn, "roles")
    op.drop_index("ix_roles_name", table_name="roles")
    op.drop_table("roles")
