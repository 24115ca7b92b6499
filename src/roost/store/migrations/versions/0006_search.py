"""full-text search of posts; posts by author

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# SQLite: an FTS5 index of post messages whose content is the posts table itself
# (external content, keyed by rowid), kept by triggers. A later migration that rebuilds
# the posts table (new rowids) must rebuild it: INSERT INTO posts_fts(posts_fts)
# VALUES ('rebuild').
_SQLITE = [
    "CREATE VIRTUAL TABLE posts_fts USING fts5("
    "message, content='posts', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO posts_fts(posts_fts) VALUES ('rebuild')",
    "CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN "
    "INSERT INTO posts_fts(rowid, message) VALUES (new.rowid, new.message); END",
    "CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN "
    "INSERT INTO posts_fts(posts_fts, rowid, message) VALUES ('delete', old.rowid, old.message); "
    "END",
    "CREATE TRIGGER posts_fts_update AFTER UPDATE OF message ON posts BEGIN "
    "INSERT INTO posts_fts(posts_fts, rowid, message) VALUES ('delete', old.rowid, old.message); "
    "INSERT INTO posts_fts(rowid, message) VALUES (new.rowid, new.message); END",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # CONCURRENTLY, outside the migration's transaction: building these on a large
        # database must not block posting (Mattermost's blocking index builds did).
        with op.get_context().autocommit_block():
            op.execute(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_posts_message_fts "
                "ON posts USING gin (to_tsvector('english', message))"
            )
            op.execute(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_posts_user_create "
                "ON posts (tenant_id, user_id, create_at)"
            )
    else:
        for statement in _SQLITE:
            op.execute(statement)
        op.create_index("ix_posts_user_create", "posts", ["tenant_id", "user_id", "create_at"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_posts_message_fts")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS posts_fts_{name}")
        op.execute("DROP TABLE IF EXISTS posts_fts")
    op.drop_index("ix_posts_user_create", "posts")
