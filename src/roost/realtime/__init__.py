"""WebSocket connections of one node and the hub that delivers events to them.

The hub serialises each event once and puts it on every recipient connection's bounded
queue and replay buffer (a full queue detaches the connection: slow clients never block
others); a connection outlives its socket for the resume window so a reconnect replays
what it missed. ``presence`` counts sockets per user on this node. The protocol:
``docs/internals/websocket.md``.
"""
