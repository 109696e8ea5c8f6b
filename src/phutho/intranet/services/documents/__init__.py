"""POST to an agency creates documents in its period folders."""
