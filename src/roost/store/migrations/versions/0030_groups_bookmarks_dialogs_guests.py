"""everyday messaging, second part (issue 23): channel bookmarks, custom user groups,
interactive dialogs' trigger ids

Bookmarks keep their deleted rows (``bookmarks_since`` reports them); groups keep theirs
too (a deleted group can be restored), with a name unique in the tenant; a dialog
trigger records whom it was for and, once a dialog is opened, where its submission
goes. Every table has the tenant leading its key and sits behind the tenant wall on
PostgreSQL.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.db.row_security import protect, unprotect

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

TABLES = ("channel_bookmarks", "user_groups", "group_members", "dialog_triggers")


def _tenant() -> sa.Column[str]:
    return sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False)


def _id(name: str, primary_key: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(26), primary_key=primary_key, nullable=False)


def _ms(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger, nullable=False, server_default="0")


def _text(name: str, length: int, default: str = "") -> sa.Column[str]:
    return sa.Column(name, sa.String(length), nullable=False, server_default=default)


def upgrade() -> None:
    op.create_table(
        "channel_bookmarks",
        _tenant(),
        _id("id", primary_key=True),
        _id("channel_id"),
        _id("owner_id"),
        _text("file_id", 26),
        _ms("create_at"),
        _ms("update_at"),
        _ms("delete_at"),
        _text("display_name", 64),
        sa.Column("sort_order", sa.BigInteger, nullable=False, server_default="0"),
        _text("link_url", 1024),
        _text("image_url", 1024),
        _text("emoji", 64),
        _text("type", 16, "link"),
        _text("original_id", 26),
        _text("parent_id", 26),
    )
    op.create_index(
        "ix_channel_bookmarks_channel",
        "channel_bookmarks",
        ["tenant_id", "channel_id", "delete_at"],
    )
    op.create_table(
        "user_groups",
        _tenant(),
        _id("id", primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        _text("display_name", 128),
        _text("description", 1024),
        _text("source", 64, "custom"),
        _text("remote_id", 48),
        sa.Column("allow_reference", sa.Boolean, nullable=False, server_default="0"),
        _text("creator_id", 26),
        _ms("create_at"),
        _ms("update_at"),
        _ms("delete_at"),
    )
    op.create_index("ux_user_groups_name", "user_groups", ["tenant_id", "name"], unique=True)
    op.create_table(
        "group_members",
        _tenant(),
        _id("group_id", primary_key=True),
        _id("user_id", primary_key=True),
        _ms("create_at"),
    )
    op.create_index("ix_group_members_user", "group_members", ["tenant_id", "user_id"])
    op.create_table(
        "dialog_triggers",
        _tenant(),
        _id("id", primary_key=True),
        _id("user_id"),
        _ms("create_at"),
        _text("url", 1024),
        sa.Column("trusted", sa.Boolean, nullable=False, server_default="0"),
        _ms("opened_at"),
    )
    op.create_index(
        "ix_dialog_triggers_user", "dialog_triggers", ["tenant_id", "user_id", "opened_at"]
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for table in TABLES:
            protect(conn, table)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for table in TABLES:
            unprotect(conn, table)
    op.drop_index("ix_dialog_triggers_user", table_name="dialog_triggers")
    op.drop_index("ix_group_members_user", table_name="group_members")
    op.drop_index("ux_user_groups_name", table_name="user_groups")
    op.drop_index("ix_channel_bookmarks_channel", table_name="channel_bookmarks")
    for table in reversed(TABLES):
        op.drop_table(table)
