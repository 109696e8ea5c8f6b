"""Text of attached files, extracted once and kept on the file.

Every edit and workflow transition reindexes a document; parsing its PDF
each time would make saving slow. The text is stored on the NamedBlobFile
itself, so it lives and dies with the file (copies carry it, a replaced file
drops it), in a persistent record of its own so that loading the file for a
view does not load its text. It is keyed by what changes when new data is
set on the same file object: its modification time and size. A file that
could not be read is cached as "" too, so that a hostile file costs its
limits once, not on every reindex.
"""

from persistent import Persistent
from phutho.intranet.ocr.records import ocr_text
from phutho.intranet.search.extract import extract_text
from phutho.intranet.search.extract import ExtractionError
from phutho.intranet.search.extract import file_kind
from plone.uuid.interfaces import IUUID
from ZODB.POSException import POSKeyError

import logging

logger = logging.getLogger(__name__)

ATTRIBUTE = "_phutho_extracted_text"


class ExtractedText(Persistent):
    """The text of one file and the key it was extracted under."""

    def __init__(self, key, text):
        self.key = key
        self.text = text


def file_text(named_file, context):
    """Return the text of ``named_file``, a NamedBlobFile field value of
    ``context``.

    Returns None when the file's format is not one we read, and "" (after
    logging a warning naming ``context``) when the file could not be read.
    """
    # A scan read by OCR (phutho.intranet.ocr): its text stands for the
    # file's (an image has none, a scanned PDF's is useless).
    read = ocr_text(named_file)
    if read is not None:
        return read
    kind = file_kind(named_file.contentType, named_file.filename)
    if kind is None:
        return None
    try:
        key = (kind, named_file.modified, named_file.size)
        cached = getattr(named_file, ATTRIBUTE, None)
        if cached is not None and cached.key == key:
            return cached.text
        with named_file.open() as stream:
            text = extract_text(stream, kind, named_file.size)
    except ExtractionError as error:
        _warn(named_file, context, error)
        text = ""
    except (OSError, POSKeyError) as error:
        # The blob is missing on disk (a Data.fs copied without its blobs):
        # not the file's fault, so nothing is cached.
        _warn(named_file, context, error)
        return ""
    setattr(named_file, ATTRIBUTE, ExtractedText(key, text))
    return text


def carry_text(source, copy):
    """Give ``copy`` (a new file with the same data as ``source``) the text
    already extracted from ``source``, so that it is not parsed again."""
    kind = file_kind(source.contentType, source.filename)
    cached = getattr(source, ATTRIBUTE, None)
    if (
        kind is None
        or cached is None
        or cached.key != (kind, source.modified, source.size)
    ):
        return
    setattr(
        copy, ATTRIBUTE, ExtractedText((kind, copy.modified, copy.size), cached.text)
    )


def _warn(named_file, context, error):
    # The UID too: a document is first indexed when it is added, which
    # may be before it gets its final name.
    logger.warning(
        "No text indexed from %r in %s (UID %s): %s",
        named_file.filename,
        "/".join(context.getPhysicalPath()),
        IUUID(context, None),
        error,
    )
