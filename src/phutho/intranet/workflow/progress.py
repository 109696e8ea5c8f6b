"""Progress notes (tiến độ) on an incoming document being handled."""

from phutho.intranet import _
from phutho.intranet.workflow.data import TransitionDataError
from phutho.intranet.workflow.history import record


def add_progress_note(document, text, percent=None):
    """Record a progress note; ``percent`` (0-100) is optional.

    Permission is checked by the caller (view or service); this only checks
    the data.
    """
    if not isinstance(text, (str, type(None))):
        raise TransitionDataError(
            _("error_progress_text", default="Write what was done.")
        )
    text = (text or "").strip()
    if not text:
        raise TransitionDataError(
            _("error_progress_text", default="Write what was done.")
        )
    if percent is not None:
        if isinstance(percent, bool) or not isinstance(percent, (int, str)):
            percent = -1
        try:
            percent = int(percent)
        except ValueError:
            percent = -1
        if not 0 <= percent <= 100:
            raise TransitionDataError(
                _(
                    "error_progress_percent",
                    default="Progress is a number from 0 to 100.",
                )
            )
    details = {} if percent is None else {"percent": percent}
    entry = record(document, "progress", comment=text, **details)
    # reindexObject(idxs=...) leaves the modification date alone.
    document.notifyModified()
    document.reindexObject(idxs=["modified"])
    return entry
