"""PostgreSQL row-level security: the database's own wall between tenants.

Each tenant-owned table admits the rows of the transaction's tenant only
(``roost.tenant_id``, set by ``Database`` at the start of every transaction), or every
row when the work spans tenants ('*'). FORCE makes the policy bind the tables' owner
too; only superusers and BYPASSRLS roles pass it, so Roost should connect as neither.

The wall catches a statement that forgot its tenant; it is not a sandbox against SQL
written by an attacker, who could set the setting like Roost does.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

POLICY = "roost_tenant_isolation"
_ADMITTED = (
    "(tenant_id = current_setting('roost.tenant_id', true)"
    " OR current_setting('roost.tenant_id', true) = '*')"
)


def tenant_tables(conn: Connection) -> list[str]:
    """Tables of the current schema with a tenant_id column, as the database has them."""
    rows = conn.execute(
        text(
            "SELECT c.table_name FROM information_schema.columns c "
            "JOIN information_schema.tables t ON t.table_schema = c.table_schema "
            "AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE' "
            "WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id' "
            "ORDER BY c.table_name"
        )
    )
    return [str(r) for r in rows.scalars()]


def protect(conn: Connection, table: str) -> None:
    """Put ``table`` behind the tenant wall (idempotent). Migrations that add a
    tenant-owned table call this for it."""
    # Names come from the schema, never from input.
    conn.execute(text(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY'))
    conn.execute(text(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY'))
    conn.execute(text(f'DROP POLICY IF EXISTS {POLICY} ON "{table}"'))
    conn.execute(
        text(f'CREATE POLICY {POLICY} ON "{table}" USING {_ADMITTED} WITH CHECK {_ADMITTED}')
    )


def unprotect(conn: Connection, table: str) -> None:
    conn.execute(text(f'DROP POLICY IF EXISTS {POLICY} ON "{table}"'))
    conn.execute(text(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY'))
    conn.execute(text(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY'))


def grant_runtime_role(conn: Connection, role: str) -> None:
    """Let ``role`` (the server's login, not the tables' owner) read and change rows,
    nothing more: no DDL, no ownership, so FORCE'd policies bind it."""
    quoted = '"' + role.replace('"', '""') + '"'
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {quoted}"))
    conn.execute(
        text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}")
    )
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}"))


# Row security keeps the planner from using an index for a condition whose functions
# are not LEAKPROOF (they run after the policy). Text search's match operator and the
# to_tsvector of the posts' GIN index are not marked so, which would turn every search
# into a scan of the tenant's posts (60x slower with 100k posts). Neither reveals more
# than its result, so the migration marks them, which only a superuser may do.
_TEXT_SEARCH_FUNCTIONS = (
    "pg_catalog.ts_match_vq(tsvector, tsquery)",
    "pg_catalog.to_tsvector(regconfig, text)",
)
TRUST_TEXT_SEARCH_SQL = "; ".join(f"ALTER FUNCTION {f} LEAKPROOF" for f in _TEXT_SEARCH_FUNCTIONS)


def trust_text_search(conn: Connection) -> bool:
    """Mark text search's functions LEAKPROOF in this database when this role may;
    returns whether they are (False: a superuser should run TRUST_TEXT_SEARCH_SQL)."""
    superuser = conn.execute(
        text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    ).scalar()
    if superuser:
        for function in _TEXT_SEARCH_FUNCTIONS:
            conn.execute(text(f"ALTER FUNCTION {function} LEAKPROOF"))
    return text_search_trusted(conn)


def text_search_trusted(conn: Connection) -> bool:
    found = conn.execute(
        text(
            "SELECT count(*) FROM pg_proc WHERE proleakproof AND oid = ANY(ARRAY["
            + ", ".join(f"'{f}'::regprocedure" for f in _TEXT_SEARCH_FUNCTIONS)
            + "])"
        )
    ).scalar()
    return found == len(_TEXT_SEARCH_FUNCTIONS)
