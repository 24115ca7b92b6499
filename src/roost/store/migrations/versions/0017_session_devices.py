"""the mobile device id on a session (issue 18)

Nothing to change: ``sessions.device_id`` (512 characters) and ``sessions.props`` exist
since 0001, and ``PUT /users/sessions/device`` writes both; finding a user's sessions on
one device goes through ``ix_sessions_user`` (a user has a handful of sessions). The
revision stays in the chain, a no-op, so every database passes the same numbers.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from collections.abc import Sequence

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
