"""Indexers derived from assignments: who has the work, and by when."""

from phutho.intranet.content.incoming import IIncomingDocument
from phutho.intranet.dates import index_date
from phutho.intranet.workflow.assignment import assignee_principals
from phutho.intranet.workflow.assignment import earliest_deadline
from plone.indexer import indexer


@indexer(IIncomingDocument)
def assignees(obj):
    """User ids and unit-head group ids named by open assignments."""
    return assignee_principals(obj)


@indexer(IIncomingDocument)
def incoming_deadline(obj):
    """Earliest open deadline (assignments or the document's own)."""
    return index_date(earliest_deadline(obj))
