"""Roost: a self-hosted team-chat server that speaks Mattermost's API v4."""

__version__ = "0.1.0"

# The Mattermost server version Roost answers as: the API level of @mattermost/types
# 11.9, which the apps are checked against. Clients gate features on it (Client4 reads
# it from X-Version-Id and the WebSocket hello); the mobile app warns below 10.11.0 and
# refuses below 9.11.0. Plugin manifests' min_server_version is compared with it.
MATTERMOST_COMPAT_VERSION = "11.9.0"
