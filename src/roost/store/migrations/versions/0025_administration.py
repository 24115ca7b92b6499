"""administration (issue 24): stored configuration

``config_documents``: each tenant's configuration changes (and the deployment's, under
tenant_id ''), in the directory's database. ``daily_posters``: who posted on which day,
for the statistics. Data retention: ``retention_policies`` with their teams and channels,
and ``jobs`` (in the directory's database). All behind the tenant wall on PostgreSQL.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.db.row_security import protect, unprotect

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

TABLES = (
    "config_documents",
    "daily_posters",
    "daily_poster_counts",
    "retention_policies",
    "retention_policy_teams",
    "retention_policy_channels",
    "jobs",
)


def _tenant() -> sa.Column[str]:
    return sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False)


def _id(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.String(26), primary_key=True, nullable=False)


def upgrade() -> None:
    op.create_table(
        "config_documents",
        sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("doc", sa.Text, nullable=False, server_default="{}"),
        sa.Column("update_at", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("update_by", sa.String(26), nullable=False, server_default=""),
    )
    op.create_table(
        "daily_posters",
        sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("day", sa.String(10), primary_key=True, nullable=False),
        sa.Column("user_id", sa.String(26), primary_key=True, nullable=False),
    )
    op.create_table(
        "daily_poster_counts",
        _tenant(),
        sa.Column("day", sa.String(10), primary_key=True, nullable=False),
        sa.Column("users", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.create_table(
        "retention_policies",
        _tenant(),
        _id("id"),
        sa.Column("display_name", sa.String(64), nullable=False),
        sa.Column("post_duration", sa.BigInteger, nullable=False),
        sa.Column("create_at", sa.BigInteger, nullable=False, server_default="0"),
    )
    for kind in ("team", "channel"):
        op.create_table(
            f"retention_policy_{kind}s",
            _tenant(),
            _id(f"{kind}_id"),
            sa.Column("policy_id", sa.String(26), nullable=False),
        )
        op.create_index(
            f"ix_retention_policy_{kind}s_policy",
            f"retention_policy_{kind}s",
            ["tenant_id", "policy_id"],
        )
    op.create_table(
        "jobs",
        _tenant(),
        _id("id"),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("progress", sa.Integer, nullable=False, server_default="0"),
        sa.Column("create_at", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("start_at", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("last_activity_at", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("node", sa.String(26), nullable=False, server_default=""),
        sa.Column("data", sa.Text, nullable=False, server_default="{}"),
    )
    op.create_index("ix_jobs_type", "jobs", ["tenant_id", "type", "create_at"])
    op.create_index("ix_jobs_status", "jobs", ["status"])
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for table in TABLES:
            protect(conn, table)


def downgrade() -> None:
    conn = op.get_bind()
    for table in reversed(TABLES):
        if conn.dialect.name == "postgresql":
            unprotect(conn, table)
        op.drop_table(table)  # its indexes with it
