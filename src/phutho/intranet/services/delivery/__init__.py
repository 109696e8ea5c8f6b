"""``GET @delivery-status``: how each recipient handles an issued document."""
