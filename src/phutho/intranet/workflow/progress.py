"""Progress notes (tiến độ) on an incoming document being handled."""

from phutho.intranet import _
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.workflow.data import text as plain_text
from phutho.intranet.workflow.history import record


def add_progress_note(document, text, percent=None):
    """Record a progress note; ``percent`` (0-100) is optional.

    Permission is checked by the caller (view or service); this only checks
    the data, refusing with an :class:`InvalidDataError`.
    """
    text = plain_text(text, "text")
    if not text:
        raise InvalidDataError(
            _("error_progress_text", default="Write what was done."), field="text"
        )
    if percent is not None:
        percent = _percent(percent)
    details = {} if percent is None else {"percent": percent}
    entry = record(document, "progress", comment=text, **details)
    # reindexObject(idxs=...) leaves the modification date alone.
    document.notifyModified()
    document.reindexObject(idxs=["modified"])
    return entry


def _percent(value):
    """0-100 from an int or its text (forms send text); refuses the rest."""
    number = -1
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if not 0 <= number <= 100:
        raise InvalidDataError(
            _(
                "error_progress_percent",
                default="Progress is a number from 0 to 100.",
            ),
            field="percent",
        )
    return number
