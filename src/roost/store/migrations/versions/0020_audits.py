"""audit log per tenant (issue 19)

Mattermost's Audits table with the tenant leading its key, behind the tenant wall on
PostgreSQL. Two reads: a tenant's newest records (GET /audits) and one user's newest
(GET /users/{id}/audits); the retention purge finds old rows across tenants by time.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.db.row_security import protect, unprotect

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audits",
        sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("create_at", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("user_id", sa.String(26), nullable=False, server_default=""),
        sa.Column("action", sa.String(512), nullable=False),
        sa.Column("extra_info", sa.String(1024), nullable=False, server_default=""),
        sa.Column("ip_address", sa.String(64), nullable=False, server_default=""),
        sa.Column("session_id", sa.String(26), nullable=False, server_default=""),
    )
    op.create_index("ix_audits_time", "audits", ["tenant_id", "create_at"])
    op.create_index("ix_audits_user", "audits", ["tenant_id", "user_id", "create_at"])
    op.create_index("ix_audits_expiring", "audits", ["create_at"])
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        protect(conn, "audits")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        unprotect(conn, "audits")
    op.drop_index("ix_audits_expiring", table_name="audits")
    op.drop_index("ix_audits_user", table_name="audits")
    op.drop_index("ix_audits_time", table_name="audits")
    op.drop_table("audits")
