"""Upgrade steps of the default profile (from version 1000 on)."""
