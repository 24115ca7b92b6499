"""SQL for everyday messaging (``roost.app.messaging``): scheduled posts and reminders."""
