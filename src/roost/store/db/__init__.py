"""The database itself: ``Database`` (``write()``/``read()`` transactions, the database
that holds the tenant in scope, ``set_config('roost.tenant_id')`` before each so
PostgreSQL's row-level security admits that tenant's rows only), engines (SQLite in WAL
mode with writers queued on one lock per process; asyncpg pools on PostgreSQL), read
replicas (lag monitor, read-your-writes per reader), dialect quirks, the migration
runner, the row codec and bulk inserts. ``docs/internals/data.md``,
``docs/internals/tenants.md``.
"""
