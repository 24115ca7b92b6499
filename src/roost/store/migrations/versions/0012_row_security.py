"""row-level security on every tenant-owned table (PostgreSQL); tenants name their database

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.db.row_security import protect, tenant_tables, unprotect

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch_op:
        # Which database holds the tenant's rows: '' is the directory's own.
        batch_op.add_column(sa.Column("database", sa.String(64), nullable=False, server_default=""))
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return  # SQLite is one tenant's file in practice and has no row security.
    for table in tenant_tables(conn):
        protect(conn, table)
    # Text search's functions are marked LEAKPROOF after every migration run
    # (store/db/migrate.py), so that search keeps its index behind the policies.


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for table in tenant_tables(conn):
            unprotect(conn, table)
    with op.batch_alter_table("tenants") as batch_op:
        batch_op.drop_column("database")
