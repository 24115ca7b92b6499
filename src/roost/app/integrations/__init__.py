"""Webhooks, slash commands, interactive messages and HTTP apps, built together by
``integrations.build_integrations``. Every call out goes through ``outbound`` (the
address policy in ``outbound_policy``: public addresses only unless allow-listed, checked
inside the resolver); outgoing webhooks and app events go through the delivery queue
(``deliveries``: leased rows, retries with backoff, at least once).
The mechanisms: ``docs/internals/integrations.md``.
"""
