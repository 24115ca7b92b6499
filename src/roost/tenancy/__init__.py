"""Tenants: the organisation a request belongs to, at the bottom of the layers.

``scope`` holds the tenant the current task works for (a ContextVar every transaction
reads). ``DEFAULT_TENANT_ID`` is the tenant served without configuration; its id is fixed
by the first migration so every node agrees on it. The directory itself lives in
``roost.app.tenants`` and ``roost.store.tenants``; ``docs/internals/tenants.md``.
"""

DEFAULT_TENANT_ID = "roostdefaulttenant00000000"
