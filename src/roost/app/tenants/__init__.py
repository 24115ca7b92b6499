"""Tenants as the app sees them: the directory held whole in memory on every node
(host → tenant, placement, request rate, site URL), moves between databases, the reaper
that deletes a tenant, usage counters and quotas, export as Mattermost bulk JSONL.
The mechanisms: ``docs/internals/tenants.md``.
"""
