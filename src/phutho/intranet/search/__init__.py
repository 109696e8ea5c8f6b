"""Search that ignores Vietnamese diacritics and case, and reads attached files."""
