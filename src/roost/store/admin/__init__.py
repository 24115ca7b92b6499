"""SQL for administration (issue 24): stored configuration."""
