"""``POST @progress``: a progress note on an incoming document being handled."""
