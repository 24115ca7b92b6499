"""HTTP apps (Roost's take on Mattermost's Apps Framework): installing from a manifest
(a bot and its token), bindings fetched per app and cached per node until a TTL or a
refresh event, calls signed with an HS256 JWT, app slash commands over the cached
bindings, and event subscriptions delivered through the outbound delivery queue.
"""
