"""WebSocket connections of one node and the hub that delivers events to them."""
