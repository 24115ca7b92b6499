"""post list indexes cover the (create_at, id) order

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.drop_index("ix_posts_channel_create")
        batch.drop_index("ix_posts_root_create")
        batch.create_index(
            "ix_posts_channel_create", ["tenant_id", "channel_id", "create_at", "id"]
        )
        batch.create_index("ix_posts_root_create", ["tenant_id", "root_id", "create_at", "id"])


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.drop_index("ix_posts_channel_create")
        batch.drop_index("ix_posts_root_create")
        batch.create_index("ix_posts_channel_create", ["tenant_id", "channel_id", "create_at"])
        batch.create_index("ix_posts_root_create", ["tenant_id", "root_id", "create_at"])
