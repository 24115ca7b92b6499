"""SQL for posts: single and batched inserts (the group commit), lists, access checks,
reactions, drafts, search (a GIN index on PostgreSQL, FTS5 on SQLite), thread
memberships and the thread fan-out (one UPDATE per reply, or a job row for large
threads). Hot statements are built once (``functools.cache``).
"""
