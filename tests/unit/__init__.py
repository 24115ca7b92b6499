"""The unit tier: pure modules tested directly, no server and no database.

Laid out like ``src/roost``; the whole tier runs in seconds (``pytest tests/unit``).
"""
