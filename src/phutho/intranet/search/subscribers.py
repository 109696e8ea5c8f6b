"""Keep a document's SearchableText in step with its annexes.

The text of a document includes its annexes' (see :mod:`.indexers`), so
adding, changing, moving or removing an annex reindexes the document. The
indexing queue merges the reindexes of one request into one.
"""

from Acquisition import aq_parent
from phutho.intranet.content.incoming import IIncomingDocument
from phutho.intranet.content.outgoing import IOutgoingDocument


def _reindex(document):
    # Only documents hold annexes; a File elsewhere is nobody's annex.
    if IIncomingDocument.providedBy(document) or IOutgoingDocument.providedBy(document):
        document.reindexObject(idxs=["SearchableText"])


def annex_moved(obj, event):
    """Added, removed, renamed or moved: both the old and the new parent."""
    # Moving or deleting a document dispatches its event to its annexes too,
    # with the document as event.object: nothing changes for it then.
    if event.object is not obj:
        return
    for parent in (event.oldParent, event.newParent):
        if parent is not None:
            _reindex(parent)


def annex_modified(obj, event):
    _reindex(aq_parent(obj))
