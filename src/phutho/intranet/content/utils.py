"""Small helpers to find where a piece of content belongs."""

from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from phutho.intranet.content.agency import IAgency
from phutho.intranet.content.unit import IUnit
from plone.uuid.interfaces import IUUID


def find_agency(context):
    """Return the Agency (cơ quan) that contains ``context``, or None.

    Walks the acquisition chain only (never the catalog), so it is cheap and
    works on objects being created that are not indexed yet.
    """
    obj = aq_inner(context) if context is not None else None
    while obj is not None:
        if IAgency.providedBy(obj):
            return obj
        obj = aq_parent(obj)
    return None


def agency_units(agency):
    """The agency's units (phòng, ban), in their order: its children."""
    return [obj for obj in agency.objectValues() if IUnit.providedBy(obj)]


def agency_unit(agency, uid):
    """The unit (phòng, ban) of ``agency`` whose UID is ``uid``, or None.

    Units are children of their agency, a handful beside its registers and
    archives: read there, not from the catalog, whose every search first
    indexes what the transaction changed so far (a document in the middle
    of a transition, indexed again at the commit).
    """
    if agency is None or not uid:
        return None
    for unit in agency_units(agency):
        if IUUID(unit, None) == uid:
            return unit
    return None


def same_object(first, second):
    """True when both are the same persistent object, whatever their
    acquisition wrappers."""
    if first is None or second is None:
        return first is second
    return aq_base(first) is aq_base(second)
