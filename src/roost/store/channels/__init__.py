"""SQL for teams, channels and channel members (read state, mention counts)."""
