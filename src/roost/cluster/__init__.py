"""Carrying events and cache invalidations between nodes."""
