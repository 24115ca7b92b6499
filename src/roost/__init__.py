"""Roost: a self-hosted team-chat server that speaks Mattermost's API v4."""

__version__ = "0.1.0"

# The Mattermost server version Roost answers as. Clients gate features on it
# (Client4 reads it from X-Version-Id and the WebSocket hello).
MATTERMOST_COMPAT_VERSION = "10.5.0"
