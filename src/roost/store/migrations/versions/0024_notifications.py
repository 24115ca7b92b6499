"""notifications: the outbox of emails and pushes, and tokens sent by email (issue 21)

The outbox (post jobs, pushes, emails, digest items) and single-use email tokens
(password reset, email verification, team invitations), each with the tenant leading
its key and behind the tenant wall on PostgreSQL. The outbox's due index serves the
workers' scan across tenants.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.db.row_security import protect, unprotect

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification_outbox",
        sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("user_id", sa.String(26), nullable=False, server_default=""),
        sa.Column("payload", sa.Text, nullable=False, server_default="{}"),
        sa.Column("state", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("last_error", sa.String(512), nullable=False, server_default=""),
        sa.Column("create_at", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("update_at", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.create_index(
        "ix_notification_outbox_state",
        "notification_outbox",
        ["tenant_id", "state", "update_at"],
    )
    op.create_index(
        "ix_notification_outbox_user",
        "notification_outbox",
        ["tenant_id", "user_id", "kind", "create_at"],
    )
    op.create_index(
        "ix_notification_outbox_due", "notification_outbox", ["state", "next_attempt_at"]
    )
    op.create_table(
        "email_tokens",
        sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("token_hash", sa.String(64), primary_key=True, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(26), nullable=False, server_default=""),
        sa.Column("extra", sa.Text, nullable=False, server_default="{}"),
        sa.Column("create_at", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("expires_at", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.create_index("ix_email_tokens_user", "email_tokens", ["tenant_id", "user_id", "kind"])
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        protect(conn, "notification_outbox")
        protect(conn, "email_tokens")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        unprotect(conn, "email_tokens")
        unprotect(conn, "notification_outbox")
    op.drop_index("ix_email_tokens_user", table_name="email_tokens")
    op.drop_table("email_tokens")
    op.drop_index("ix_notification_outbox_due", table_name="notification_outbox")
    op.drop_index("ix_notification_outbox_user", table_name="notification_outbox")
    op.drop_index("ix_notification_outbox_state", table_name="notification_outbox")
    op.drop_table("notification_outbox")
