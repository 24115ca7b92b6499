"""MFA (TOTP) state on users (issue 19)

``users.mfa_active``, ``users.mfa_secret`` (the base32 TOTP secret, written by
``POST /users/{id}/mfa/generate``, never sent back after that answer) and
``users.mfa_last_step`` (the last TOTP time step accepted, so a code is not accepted twice
within its window). Sessions need nothing new: ``last_activity_at``, ``device_id`` and
``props`` exist since 0001.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("mfa_active", sa.Boolean, nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("mfa_secret", sa.String(128), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("mfa_last_step", sa.BigInteger, nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("mfa_last_step")
        batch_op.drop_column("mfa_secret")
        batch_op.drop_column("mfa_active")
