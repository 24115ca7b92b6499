"""tenant sign-up closed by default, and a one-time invite for a tenant's first admin

``tenants.open_signup``: whether anyone may sign up on the tenant (false for every
tenant the operator creates from now on, and for those that exist: the first stranger
to sign up on a fresh tenant used to become its system admin; the default tenant
follows ``ROOST_ENABLE_OPEN_SERVER`` instead). ``admin_invite_hash`` and
``admin_invite_expires_at``: the SHA-256 of the single-use invite the operator issued
for the tenant's first admin, and when it lapses ('' and 0: none). Constant defaults,
so no table rewrite.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "tenants", sa.Column("open_signup", sa.Boolean, nullable=False, server_default="0")
    )
    op.add_column(
        "tenants",
        sa.Column("admin_invite_hash", sa.String(64), nullable=False, server_default=""),
    )
    op.add_column(
        "tenants",
        sa.Column("admin_invite_expires_at", sa.BigInteger, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("admin_invite_expires_at")
        batch.drop_column("admin_invite_hash")
        batch.drop_column("open_signup")
