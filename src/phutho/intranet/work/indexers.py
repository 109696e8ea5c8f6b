"""Indexers of what the dashboards and the search facets query or show.

Each is computed when the document is reindexed after a change (every
transition, assignment and progress note reindexes it), so a dashboard
of 100,000 documents is set arithmetic on indexes and metadata, never a
walk over objects. Tools are found from the object (acquisition), not
from the site hook: the indexing queue may run at commit, after the hook
is gone.
"""

from phutho.intranet.content.document import IOfficialDocument
from phutho.intranet.content.incoming import IIncomingDocument
from phutho.intranet.content.outgoing import IOutgoingDocument
from phutho.intranet.content.utils import agency_unit
from phutho.intranet.content.utils import find_agency
from phutho.intranet.dates import localize
from phutho.intranet.workflow.assignment import assignments_of
from phutho.intranet.workflow.history import history_of
from plone.indexer import indexer
from Products.CMFCore.utils import getToolByName


@indexer(IOfficialDocument)
def last_transition(obj):
    """The id of the document's latest workflow transition (``send_back``,
    ``return``…), None before the first: who has to act next depends on
    how it got where it is."""
    history = getattr(obj, "workflow_history", None) or {}
    for workflow in getToolByName(obj, "portal_workflow").getChainFor(obj):
        entries = history.get(workflow) or ()
        if entries:
            return entries[-1].get("action")
    return None


@indexer(IIncomingDocument)
def assigned_by(obj):
    """Who assigned or handed over the document, also after the work was
    completed: a leader follows what he assigned."""
    return sorted({e["assigned_by"] for e in assignments_of(obj) if e["assigned_by"]})


@indexer(IOutgoingDocument)
def drafter(obj):
    """The drafter, else whoever created the draft."""
    if obj.drafter:
        return obj.drafter
    creators = obj.listCreators()
    return creators[0] if creators else None


@indexer(IIncomingDocument)
def incoming_issuer(obj):
    """The agency that issued it (as the clerk wrote it)."""
    return (obj.sender_name or "").strip() or None


@indexer(IOutgoingDocument)
def outgoing_issuer(obj):
    """The agency that issues it: its own."""
    agency = find_agency(obj)
    return agency.Title() if agency is not None else None


def _year(value):
    return localize(value).year if value is not None else None


@indexer(IIncomingDocument)
def incoming_year(obj):
    """The year of the document's date (else of its arrival)."""
    return _year(obj.document_date) or _year(obj.arrival_date)


@indexer(IOutgoingDocument)
def outgoing_year(obj):
    """The year it was issued, else the year the draft was made."""
    if obj.issued_date:
        return obj.issued_date.year
    # In the province's zone: a draft made at 00:30 on 1 January there is
    # of the new year, whatever the server's TZ.
    return _year(obj.created())


@indexer(IIncomingDocument)
def progress(obj):
    """How far the handling is, 0-100: 100 once completed, else the latest
    progress note's percentage since the last assignment (None: no note)."""
    if _state(obj) == "completed":
        return 100
    percent = None
    for entry in history_of(obj):
        if entry["action"] in ("assign", "reopen"):
            percent = None
        elif entry["action"] == "progress" and entry.get("percent") is not None:
            percent = entry["percent"]
    return percent


def _state(obj):
    return getToolByName(obj, "portal_workflow").getInfoFor(obj, "review_state", None)


def _name(obj, kind, principal):
    if kind == "unit":
        # Not from the catalog: this runs while it indexes.
        unit = agency_unit(find_agency(obj), principal)
        return unit.Title() if unit is not None else None
    member = getToolByName(obj, "portal_membership").getMemberById(principal)
    if member is None:
        return principal
    return member.getProperty("fullname") or principal


@indexer(IIncomingDocument)
def work_lead(obj):
    """Who has the work now, as people read it: the lead and, after a
    handover, the handler (``Phòng Công nghệ thông tin → Lý Thị Hương``)."""
    names = [
        _name(obj, entry["kind"], entry["id"])
        for role in ("lead", "handler")
        for entry in assignments_of(obj, open_only=True)
        if entry["role"] == role
    ]
    return " → ".join(name for name in names if name) or None
