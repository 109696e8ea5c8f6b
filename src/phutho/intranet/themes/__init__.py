"""The Diazo theme of the portal."""
