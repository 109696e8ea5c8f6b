"""Copies of official documents start over.

A copy is a new document: it keeps the text and the files, never the
original's numbers, register, history, assignments or deliveries (which
would put one number twice in a register). The workflows grant "Copy or
Move" to Managers only; this covers them too.
"""

# Attributes that belong to the original's life, not to its text.
RESET = (
    "arrival_number",
    "number",
    "issued_date",
    "symbol",
    "register",
    "source_uid",
    "recall",
    "replaced_by",
)
DROPPED = ("_processing_history", "_assignments", "_deliveries", "_counters")


def on_document_copied(document, event):
    """Subscriber: clear what the copy must not inherit."""
    for name in RESET:
        if name in document.__dict__:
            setattr(document, name, None)
    for name in DROPPED:
        document.__dict__.pop(name, None)
    document._p_changed = True
