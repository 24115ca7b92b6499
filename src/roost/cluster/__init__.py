"""Carrying events and cache invalidations between nodes.

``bus.LocalBus`` hands each event to the subscribers in this process (the hub, caches);
``redis_bus.RedisBus`` also appends it to a Redis stream the other nodes read from their
last position, and when events were lost for good (Redis lost the stream, a trim past
the position, a node's dropped events) hands its subscribers ``roost_resync``: every
cache starts over and every client gets a fresh hello. ``redis_presence``
counts sockets per user across nodes, with heartbeats. ``docs/internals/nodes.md``.
"""
