"""Catalog indexers the statistics query: who handled a document, whether
its handling was completed on time, and how long it took. Computed once,
when the document is reindexed after a transition, so that counting a
year of an agency is set arithmetic on indexes, not a walk over objects."""

from phutho.intranet.content.incoming import IIncomingDocument
from phutho.intranet.dates import localize
from phutho.intranet.reports.common import completion_time
from phutho.intranet.reports.registers import due_date
from phutho.intranet.workflow.assignment import assignments_of
from plone.indexer import indexer
from Products.CMFCore.utils import getToolByName

HANDLING_ROLES = ("lead", "handler")


@indexer(IIncomingDocument)
def handled_by(obj):
    """Unit UIDs and user ids that led or handled the document, also after
    the work was completed or handed on (the ``assignees`` index only
    keeps who has it now)."""
    return sorted(
        {
            entry["id"]
            for entry in assignments_of(obj)
            if entry["role"] in HANDLING_ROLES
        }
    )


def _completion(obj):
    # The tool from the object, not plone.api: the indexing queue may run
    # at the commit, when no site is set any more (scripts, tests' layers).
    workflow = getToolByName(obj, "portal_workflow")
    if workflow.getInfoFor(obj, "review_state", None) != "completed":
        return None
    return completion_time(obj)


@indexer(IIncomingDocument)
def timeliness(obj):
    """``on_time`` or ``late`` for a completed document (no deadline is on
    time); None while it is not completed."""
    done = _completion(obj)
    if done is None:
        return None
    due = due_date(obj)
    return "late" if due is not None and done.date() > due else "on_time"


@indexer(IIncomingDocument)
def processing_hours(obj):
    """Whole hours from arrival to completion, for averages; None while
    it is not completed."""
    done = _completion(obj)
    if done is None or obj.arrival_date is None:
        return None
    seconds = (done - localize(obj.arrival_date)).total_seconds()
    return max(0, int(seconds // 3600))
