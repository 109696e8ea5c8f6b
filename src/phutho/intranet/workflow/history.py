"""Processing history (lịch sử xử lý): who did what, when, with which
instruction, to whom and by when.

Kept on the document itself (a persistent list, appended to), so it is
versioned with it, travels with it and needs no catalog. The document page
shows it as a timeline; ``@processing-history`` returns it.
"""

from datetime import datetime
from datetime import timezone
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from plone import api

HISTORY_ATTR = "_processing_history"


def record(document, action, comment="", actor=None, **details):
    """Append an entry and return it.

    :param action: the transition id, or another event id such as
        ``progress`` (a progress note), ``correction``, ``delivered``.
    :param details: JSON-compatible extras (assignees, deadlines, numbers).
    """
    if not action:
        raise ValueError("An action is required")
    if actor is None:
        user = api.user.get_current()
        actor = user.getId() if user is not None else None
    history = getattr(document, HISTORY_ATTR, None)
    if history is None:
        history = PersistentList()
        setattr(document, HISTORY_ATTR, history)
    entry = PersistentMapping(
        action=action,
        actor=actor or "system",
        time=datetime.now(timezone.utc),
        comment=comment or "",
        **details,
    )
    history.append(entry)
    return entry


def history_of(document):
    """Entries of ``document``, oldest first (plain dicts, safe to change)."""
    return [dict(entry) for entry in getattr(document, HISTORY_ATTR, None) or ()]
