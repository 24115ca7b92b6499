"""HTTP and WebSocket transport: parse, authenticate, call one use case, serialise."""
