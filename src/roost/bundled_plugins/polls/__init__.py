"""Polls: a slash command, votes over HTTP, state in the plugin key-value store."""
