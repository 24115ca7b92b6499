"""SQL for plugin rows (enabled, trusted, settings, bundles) and the plugin key-value store."""
