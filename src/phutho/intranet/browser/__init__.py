"""Classic UI pages (server-rendered, Vietnamese first)."""
