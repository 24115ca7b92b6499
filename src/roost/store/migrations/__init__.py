"""Alembic migrations, run by every server start and by ``roost migrate``."""
