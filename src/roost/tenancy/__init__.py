"""Tenants: the organisation a request belongs to.

This release serves one default tenant, chosen without configuration; the id is
fixed by the first migration so every node agrees on it.
"""

DEFAULT_TENANT_ID = "roostdefaulttenant00000000"
