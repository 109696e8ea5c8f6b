"""Metadata proposed from a document's text (Decree 30 layout rules).

:mod:`.rules` reads the fields from text; :mod:`.api` gathers the text of
a document or an upload and the agencies and types to match against.
"""
