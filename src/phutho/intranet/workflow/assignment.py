"""Assignments (phân công) of an incoming document: lead, co-ordinators,
instructions and a deadline for each.

Stored on the document as a list of small persistent records; the
transition handlers in :mod:`phutho.intranet.workflow.transitions` write
them, the catalog indexes who they name.
"""


def assignments_of(document):
    """Return the assignment records of ``document`` (oldest first)."""
    return list(getattr(document, "_assignments", None) or ())
