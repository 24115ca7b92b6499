"""SQL for users, sessions and tokens, preferences and statuses."""
