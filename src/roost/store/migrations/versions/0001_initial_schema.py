"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "access_tokens",
        sa.Column("tenant_id", sa.String(length=26), nullable=False),
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=26), nullable=False),
        sa.Column("description", sa.String(length=512), server_default="", nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("create_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    with op.batch_alter_table("access_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_access_tokens_token", ["tenant_id", "token_hash"], unique=True)
        batch_op.create_index("ix_access_tokens_user", ["tenant_id", "user_id"], unique=False)

    op.create_table(
        "bots",
        sa.Column("tenant_id", sa.String(length=26), nullable=False),
        sa.Column("user_id", sa.String(length=26), nullable=False),
        sa.Column("owner_id", sa.String(length=26), nullable=False),
        sa.Column("description", sa.String(length=1024), server_default="", nullable=False),
        sa.Column("create_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("update_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("delete_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "user_id"),
    )
    op.create_table(
        "channel_members",
        sa.Column("tenant_id", sa.String(length=26), nullable=False),
        sa.Column("channel_id", sa.String(length=26), nullable=False),
        sa.Column("user_id", sa.String(length=26), nullable=False),
        sa.Column("scheme_user", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("scheme_admin", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("explicit_roles", sa.String(length=256), server_default="", nullable=False),
        sa.Column("last_viewed_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("msg_count", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("msg_count_root", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("mention_count", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("mention_count_root", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("urgent_mention_count", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("notify_props", sa.Text(), server_default="{}", nullable=False),
        sa.Column("last_update_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "channel_id", "user_id"),
    )
    with op.batch_alter_table("channel_members", schema=None) as batch_op:
        batch_op.create_index("ix_channel_members_user", ["tenant_id", "user_id"], unique=False)

    op.create_table(
        "channels",
        sa.Column("tenant_id", sa.String(length=26), nullable=False),
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("create_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("update_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("delete_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("team_id", sa.String(length=26), server_default="", nullable=False),
        sa.Column("type", sa.String(length=1), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=64), server_default="", nullable=False),
        sa.Column("header", sa.String(length=1024), server_default="", nullable=False),
        sa.Column("purpose", sa.String(length=250), server_default="", nullable=False),
        sa.Column("last_post_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("last_root_post_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("total_msg_count", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("total_msg_count_root", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("creator_id", sa.String(length=26), server_default="", nullable=False),
        sa.Column("props", sa.Text(), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.create_index("ix_channels_name", ["tenant_id", "team_id", "name"], unique=True)
        batch_op.create_index(
            "ix_channels_team_type", ["tenant_id", "team_id", "type"], unique=False
        )

    op.create_table(
        "posts",
        sa.Column("tenant_id", sa.String(length=26), nullable=False),
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("create_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("update_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("edit_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("delete_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("is_pinned", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("user_id", sa.String(length=26), nullable=False),
        sa.Column("channel_id", sa.String(length=26), nullable=False),
        sa.Column("root_id", sa.String(length=26), server_default="", nullable=False),
        sa.Column("original_id", sa.String(length=26), server_default="", nullable=False),
        sa.Column("message", sa.Text(), server_default="", nullable=False),
        sa.Column("type", sa.String(length=64), server_default="", nullable=False),
        sa.Column("props", sa.Text(), server_default="{}", nullable=False),
        sa.Column("hashtags", sa.String(length=1000), server_default="", nullable=False),
        sa.Column("file_ids", sa.Text(), server_default="[]", nullable=False),
        sa.Column("has_reactions", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("reply_count", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("last_reply_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_posts_channel_create", ["tenant_id", "channel_id", "create_at"], unique=False
        )
        batch_op.create_index(
            "ix_posts_channel_update", ["tenant_id", "channel_id", "update_at"], unique=False
        )
        batch_op.create_index(
            "ix_posts_root_create", ["tenant_id", "root_id", "create_at"], unique=False
        )

    op.create_table(
        "preferences",
        sa.Column("tenant_id", sa.String(length=26), nullable=False),
        sa.Column("user_id", sa.String(length=26), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "user_id", "category", "name"),
    )
    op.create_table(
        "reactions",
        sa.Column("tenant_id", sa.String(length=26), nullable=False),
        sa.Column("post_id", sa.String(length=26), nullable=False),
        sa.Column("user_id", sa.String(length=26), nullable=False),
        sa.Column("emoji_name", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.String(length=26), nullable=False),
        sa.Column("create_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("update_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("delete_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "post_id", "user_id", "emoji_name"),
    )
    op.create_table(
        "sessions",
        sa.Column("tenant_id", sa.String(length=26), nullable=False),
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=26), nullable=False),
        sa.Column("csrf_token", sa.String(length=26), nullable=False),
        sa.Column("roles", sa.String(length=256), server_default="", nullable=False),
        sa.Column("device_id", sa.String(length=512), server_default="", nullable=False),
        sa.Column("access_token_id", sa.String(length=26), server_default="", nullable=False),
        sa.Column("props", sa.Text(), server_default="{}", nullable=False),
        sa.Column("create_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("expires_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("last_activity_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index("ix_sessions_token", ["tenant_id", "token_hash"], unique=True)
        batch_op.create_index("ix_sessions_user", ["tenant_id", "user_id"], unique=False)

    op.create_table(
        "statuses",
        sa.Column("tenant_id", sa.String(length=26), nullable=False),
        sa.Column("user_id", sa.String(length=26), nullable=False),
        sa.Column("status", sa.String(length=32), server_default="offline", nullable=False),
        sa.Column("manual", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("last_activity_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("dnd_end_time", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("prev_status", sa.String(length=32), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "user_id"),
    )
    op.create_table(
        "team_members",
        sa.Column("tenant_id", sa.String(length=26), nullable=False),
        sa.Column("team_id", sa.String(length=26), nullable=False),
        sa.Column("user_id", sa.String(length=26), nullable=False),
        sa.Column("scheme_user", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("scheme_admin", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("explicit_roles", sa.String(length=256), server_default="", nullable=False),
        sa.Column("create_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("delete_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "team_id", "user_id"),
    )
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.create_index("ix_team_members_user", ["tenant_id", "user_id"], unique=False)

    op.create_table(
        "teams",
        sa.Column("tenant_id", sa.String(length=26), nullable=False),
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("create_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("update_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("delete_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=255), server_default="", nullable=False),
        sa.Column("email", sa.String(length=128), server_default="", nullable=False),
        sa.Column("type", sa.String(length=1), server_default="O", nullable=False),
        sa.Column("company_name", sa.String(length=64), server_default="", nullable=False),
        sa.Column("allowed_domains", sa.String(length=1000), server_default="", nullable=False),
        sa.Column("invite_id", sa.String(length=26), server_default="", nullable=False),
        sa.Column("allow_open_invite", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("creator_id", sa.String(length=26), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.create_index("ix_teams_invite", ["tenant_id", "invite_id"], unique=False)
        batch_op.create_index("ix_teams_name", ["tenant_id", "name"], unique=True)

    op.create_table(
        "tenants",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=128), server_default="", nullable=False),
        sa.Column("create_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("delete_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "users",
        sa.Column("tenant_id", sa.String(length=26), nullable=False),
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("create_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("update_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("delete_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=128), nullable=False),
        sa.Column("password_hash", sa.String(length=128), server_default="", nullable=False),
        sa.Column("email_verified", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("nickname", sa.String(length=64), server_default="", nullable=False),
        sa.Column("first_name", sa.String(length=64), server_default="", nullable=False),
        sa.Column("last_name", sa.String(length=64), server_default="", nullable=False),
        sa.Column("position", sa.String(length=128), server_default="", nullable=False),
        sa.Column("roles", sa.String(length=256), server_default="system_user", nullable=False),
        sa.Column("auth_service", sa.String(length=32), server_default="", nullable=False),
        sa.Column("auth_data", sa.String(length=128), server_default="", nullable=False),
        sa.Column("locale", sa.String(length=8), server_default="en", nullable=False),
        sa.Column("props", sa.Text(), server_default="{}", nullable=False),
        sa.Column("notify_props", sa.Text(), server_default="{}", nullable=False),
        sa.Column("timezone", sa.Text(), server_default="{}", nullable=False),
        sa.Column("last_password_update", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("last_picture_update", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("is_bot", sa.Boolean(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index("ix_users_email", ["tenant_id", "email"], unique=True)
        batch_op.create_index("ix_users_username", ["tenant_id", "username"], unique=True)

    # The single-tenant install's organisation; its id is fixed so every node agrees.
    tenants = sa.table(
        "tenants",
        sa.column("id", sa.String),
        sa.column("name", sa.String),
        sa.column("display_name", sa.String),
    )
    op.bulk_insert(
        tenants,
        [{"id": "roostdefaulttenant00000000", "name": "default", "display_name": "Default"}],
    )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_username")
        batch_op.drop_index("ix_users_email")

    op.drop_table("users")
    op.drop_table("tenants")
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_index("ix_teams_name")
        batch_op.drop_index("ix_teams_invite")

    op.drop_table("teams")
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.drop_index("ix_team_members_user")

    op.drop_table("team_members")
    op.drop_table("statuses")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_user")
        batch_op.drop_index("ix_sessions_token")

    op.drop_table("sessions")
    op.drop_table("reactions")
    op.drop_table("preferences")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index("ix_posts_root_create")
        batch_op.drop_index("ix_posts_channel_update")
        batch_op.drop_index("ix_posts_channel_create")

    op.drop_table("posts")
    with op.batch_alter_table("channels", schema=None) as batch_op:
        batch_op.drop_index("ix_channels_team_type")
        batch_op.drop_index("ix_channels_name")

    op.drop_table("channels")
    with op.batch_alter_table("channel_members", schema=None) as batch_op:
        batch_op.drop_index("ix_channel_members_user")

    op.drop_table("channel_members")
    op.drop_table("bots")
    with op.batch_alter_table("access_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_access_tokens_user")
        batch_op.drop_index("ix_access_tokens_token")

    op.drop_table("access_tokens")
