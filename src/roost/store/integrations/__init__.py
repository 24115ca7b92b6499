"""SQL for webhooks, custom commands, the outbound delivery queue and HTTP apps."""
