"""single sign-on (issue 26)

Users found by their provider's id (``auth_service``, ``auth_data``); the one-time
states of sign-ins in flight (OAuth state with PKCE verifier and nonce, SAML request
ids, mobile login codes); each tenant's own identity providers. Both new tables lead
with the tenant and sit behind the tenant wall on PostgreSQL.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.db.row_security import protect, unprotect

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_users_auth", "users", ["tenant_id", "auth_service", "auth_data"])
    op.create_table(
        "sso_states",
        sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("id", sa.String(64), primary_key=True, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("service", sa.String(32), nullable=False),
        sa.Column("cookie_hash", sa.String(64), nullable=False, server_default=""),
        sa.Column("props", sa.Text, nullable=False, server_default="{}"),
        sa.Column("create_at", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("expires_at", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.create_index("ix_sso_states_expiry", "sso_states", ["tenant_id", "expires_at"])
    op.create_table(
        "sso_providers",
        sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("service", sa.String(32), primary_key=True, nullable=False),
        sa.Column("settings", sa.Text, nullable=False, server_default="{}"),
        sa.Column("update_at", sa.BigInteger, nullable=False, server_default="0"),
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        protect(conn, "sso_states")
        protect(conn, "sso_providers")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        unprotect(conn, "sso_providers")
        unprotect(conn, "sso_states")
    op.drop_table("sso_providers")
    op.drop_index("ix_sso_states_expiry", table_name="sso_states")
    op.drop_table("sso_states")
    op.drop_index("ix_users_auth", table_name="users")
