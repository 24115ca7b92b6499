"""Helpers that boot real Roost servers and talk to them like clients do."""
