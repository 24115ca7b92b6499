"""import jobs and import uploads (issue 25)

Mattermost's import_process jobs and the resumable uploads that bring their files, each
with the tenant leading its key and behind the tenant wall on PostgreSQL.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from roost.store.db.row_security import protect, unprotect

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_jobs",
        sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("type", sa.String(32), nullable=False, server_default="import_process"),
        sa.Column("status", sa.String(32), nullable=False, server_default="pending"),
        sa.Column("progress", sa.Integer, nullable=False, server_default="0"),
        sa.Column("data", sa.Text, nullable=False, server_default="{}"),
        sa.Column("create_at", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("start_at", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("last_activity_at", sa.BigInteger, nullable=False, server_default="0"),
    )
    op.create_index("ix_import_jobs_time", "import_jobs", ["tenant_id", "create_at"])
    op.create_table(
        "import_uploads",
        sa.Column("tenant_id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("id", sa.String(26), primary_key=True, nullable=False),
        sa.Column("user_id", sa.String(26), nullable=False),
        sa.Column("filename", sa.String(256), nullable=False),
        sa.Column("file_size", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("file_offset", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("create_at", sa.BigInteger, nullable=False, server_default="0"),
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        protect(conn, "import_jobs")
        protect(conn, "import_uploads")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        unprotect(conn, "import_uploads")
        unprotect(conn, "import_jobs")
    op.drop_table("import_uploads")
    op.drop_index("ix_import_jobs_time", table_name="import_jobs")
    op.drop_table("import_jobs")
