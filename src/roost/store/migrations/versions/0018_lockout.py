"""failed login attempts per account, for the lockout (issue 19)

``users.failed_attempts`` counts wrong passwords since the last successful login or
password change; at ``ROOST_MAXIMUM_LOGIN_ATTEMPTS`` the account refuses logins. It is
moved only by single ``UPDATE`` statements (``failed_attempts + 1``), so concurrent
attempts on several nodes are all counted. The users table already carries row security.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("failed_attempts", sa.Integer, nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("failed_attempts")
