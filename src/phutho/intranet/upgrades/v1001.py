"""Upgrade to 1001.

* Period folders stopped keeping an order list. Until 1000 a month folder
  kept, in an annotation, the list of every id it holds (plone.folder's
  default ordering) and rewrote it on each new document. The folders are
  unordered now; the stale lists only take space.
* Incoming documents created without an arrival time (REST, scripts) had
  none stored: the schema default, computed at each read, made them seem
  to arrive anew every minute. They get the time they were created.
* Plain dates (document date, deadlines) are indexed and kept as metadata
  as dates, no longer as local-midnight DateTimes.
* Documents name one ``<agency>-officials`` group (whose members are the
  agency's other groups) instead of a snapshot of the agency's groups.
"""

from Acquisition import aq_base
from plone import api
from phutho.intranet.dates import localize
from plone.folder.default import DefaultOrdering

import logging


logger = logging.getLogger("phutho.intranet.upgrades")


def drop_period_folder_order(context):
    """Remove the order annotations of every period folder."""
    catalog = api.portal.get_tool("portal_catalog")
    cleaned = 0
    for brain in catalog.unrestrictedSearchResults(portal_type="PeriodFolder"):
        folder = aq_base(brain._unrestrictedGetObject())
        annotations = getattr(folder, "__annotations__", None)
        if annotations is None:
            continue
        found = False
        for key in (DefaultOrdering.ORDER_KEY, DefaultOrdering.POS_KEY):
            if key in annotations:
                del annotations[key]
                found = True
        cleaned += found
    logger.info("Dropped the order lists of %d period folders", cleaned)


def store_missing_arrival_dates(context):
    """Give incoming documents without a stored arrival time their creation time."""
    catalog = api.portal.get_tool("portal_catalog")
    fixed = 0
    for brain in catalog.unrestrictedSearchResults(portal_type="IncomingDocument"):
        document = brain._unrestrictedGetObject()
        base = aq_base(document)
        base._p_activate()  # a ghost's __dict__ is empty
        if base.__dict__.get("arrival_date") is not None:
            continue
        created = localize(document.created()).replace(second=0, microsecond=0, tzinfo=None)
        document.arrival_date = created
        document.reindexObject(idxs=["arrival_date"])
        fixed += 1
    logger.info("Stored the arrival time of %d incoming documents", fixed)


DATE_INDEXES = ("document_date", "deadline")


def reindex_plain_dates(context):
    """Re-catalog the date indexes (and with them the metadata) of documents."""
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(portal_type=["IncomingDocument", "OutgoingDocument"])
    for brain in brains:
        brain._unrestrictedGetObject().reindexObject(idxs=list(DATE_INDEXES))
    logger.info("Re-indexed the dates of %d documents", len(brains))


def officials_groups(context):
    """Create each agency's officials group, then recompute document roles."""
    from phutho.intranet.groups import ensure_agency_groups
    from phutho.intranet.workflow.localroles import update_local_roles

    catalog = api.portal.get_tool("portal_catalog")
    for brain in catalog.unrestrictedSearchResults(portal_type="Agency"):
        ensure_agency_groups(brain._unrestrictedGetObject())
    changed = 0
    brains = catalog.unrestrictedSearchResults(portal_type=["IncomingDocument", "OutgoingDocument"])
    for brain in brains:
        changed += update_local_roles(brain._unrestrictedGetObject())
    logger.info("Officials groups: roles of %d of %d documents updated", changed, len(brains))
