"""What reading found on a file, kept on the file itself.

Like the extracted text of :mod:`phutho.intranet.search.cache`, records
live on the NamedBlobFile (copies carry them, a replaced file drops them)
and name the file state they describe (its modification time and size):
a record for other data is ignored.
"""

from persistent import Persistent

import time

OCR_ATTRIBUTE = "_phutho_ocr"
SIGNATURES_ATTRIBUTE = "_phutho_signatures"
# The agency's signature queued at issue (pending, or failed with why).
SIGNING_ATTRIBUTE = "_phutho_signing"

PENDING = "pending"
DONE = "done"
FAILED = "failed"


def file_key(named_file):
    return (str(getattr(named_file, "modified", "")), named_file.getSize())


class FileRecord(Persistent):
    """A state (``pending``, ``done``, ``failed``) with its reason and
    data, for one state of one file."""

    def __init__(self, key, state=PENDING, reason="", **data):
        self.key = key
        self.state = state
        self.reason = reason
        self.data = data
        self.updated = time.time()


def record(named_file, attribute):
    """The record of ``named_file`` under ``attribute`` if it describes
    the file's current data, else None."""
    if not named_file:
        return None
    found = getattr(named_file, attribute, None)
    if found is None or found.key != file_key(named_file):
        return None
    return found


def set_record(named_file, attribute, state, reason="", **data):
    found = FileRecord(file_key(named_file), state, reason, **data)
    setattr(named_file, attribute, found)
    return found


def ocr_text(named_file):
    """The OCR'd text of a file, or None when it was not (yet) read."""
    found = record(named_file, OCR_ATTRIBUTE)
    if found is None or found.state != DONE:
        return None
    return found.data.get("text") or ""
