"""per-tenant outbound allow-lists: the hosts and networks a tenant's integrations may call

NULL: the tenant names none (the default tenant then uses the node-wide setting,
ROOST_OUTBOUND_ALLOWED_HOSTS; every other tenant reaches public addresses only).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch_op:
        batch_op.add_column(sa.Column("outbound_allowed_hosts", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch_op:
        batch_op.drop_column("outbound_allowed_hosts")
