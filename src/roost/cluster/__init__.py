"""Carrying events and cache invalidations between nodes.

``bus.LocalBus`` hands each event to the subscribers in this process (the hub, caches);
``redis_bus.RedisBus`` also publishes it on Redis for the other nodes, and after a gap
hands its subscribers ``roost_resync`` so every cache starts over. ``redis_presence``
counts sockets per user across nodes, with heartbeats. ``docs/internals/nodes.md``.
"""
