"""tenants: a state (active or suspended) and limits for each tenant, custom domains,
and requests per tenant per day

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch_op:
        batch_op.add_column(
            sa.Column("state", sa.String(16), nullable=False, server_default="active")
        )
        batch_op.add_column(
            sa.Column("update_at", sa.BigInteger, nullable=False, server_default="0")
        )
        # 0: the deployment's default (ROOST_TENANT_REQUESTS_PER_SECOND), or no limit.
        batch_op.add_column(
            sa.Column("requests_per_second", sa.Float, nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("max_users", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "tenant_domains",
        sa.Column("domain", sa.String(253), primary_key=True, nullable=False),
        sa.Column("tenant_id", sa.String(26), nullable=False),
    )
    op.create_index("ix_tenant_domains_tenant", "tenant_domains", ["tenant_id"])
    op.create_table(
        "tenant_requests",
        sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("day", sa.String(10), primary_key=True, nullable=False),
        sa.Column("requests", sa.BigInteger, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("tenant_requests")
    op.drop_table("tenant_domains")
    with op.batch_alter_table("tenants") as batch_op:
        batch_op.drop_column("max_users")
        batch_op.drop_column("requests_per_second")
        batch_op.drop_column("update_at")
        batch_op.drop_column("state")
