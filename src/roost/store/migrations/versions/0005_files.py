"""files: uploaded files and what is known about them

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def _ms(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger, nullable=False, server_default="0")


def upgrade() -> None:
    op.create_table(
        "file_infos",
        sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("user_id", sa.String(26), nullable=False),
        sa.Column("channel_id", sa.String(26), nullable=False),
        sa.Column("post_id", sa.String(26), nullable=False, server_default=""),
        _ms("create_at"),
        _ms("update_at"),
        _ms("delete_at"),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("extension", sa.String(256), nullable=False, server_default=""),
        sa.Column("size", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("mime_type", sa.String(256), nullable=False, server_default=""),
        sa.Column("width", sa.Integer, nullable=False, server_default="0"),
        sa.Column("height", sa.Integer, nullable=False, server_default="0"),
        sa.Column("has_preview_image", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("has_thumbnail", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("mini_preview", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_file_infos_post", "file_infos", ["tenant_id", "post_id", "create_at"])


def downgrade() -> None:
    op.drop_table("file_infos")
