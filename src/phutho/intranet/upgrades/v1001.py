"""Upgrade to 1001.

* Period folders stopped keeping an order list. Until 1000 a month folder
  kept, in an annotation, the list of every id it holds (plone.folder's
  default ordering) and rewrote it on each new document. The folders are
  unordered now; the stale lists only take space.
* Incoming documents created without an arrival time (REST, scripts) had
  none stored: the schema default, computed at each read, made them seem
  to arrive anew every minute. They get the time they were registered, or
  else created.
* Plain dates (document date, deadlines) are indexed and kept as metadata
  as dates, no longer as local-midnight DateTimes.
* Documents name one ``<agency>-officials`` group (whose members are the
  agency's other groups) instead of a snapshot of the agency's groups.
* Documents reopened before reopening gave the work back sit in progress
  with nobody assigned: they get their last lead (and handler) back.

The document steps visit every document once each, in batches: a
savepoint and a cache sweep every BATCH documents keep memory flat on
large sites (the commit stays one, as GenericSetup runs a step).
"""

from Acquisition import aq_base
from phutho.intranet.dates import localize
from plone import api
from plone.folder.default import DefaultOrdering
from Products.CMFCore.indexing import processQueue

import logging
import transaction

logger = logging.getLogger("phutho.intranet.upgrades")

BATCH = 500
DOCUMENT_TYPES = ["IncomingDocument", "OutgoingDocument"]


def cataloged(portal_types=DOCUMENT_TYPES, **query):
    """Yield the objects the catalog lists, in batches (see above);
    entries whose object is gone are logged and skipped."""
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(portal_type=portal_types, **query)
    for count, brain in enumerate(brains, 1):
        try:
            yield brain._unrestrictedGetObject()
        except (AttributeError, KeyError):
            logger.warning("Skipped a stale catalog entry: %s", brain.getPath())
        if count % BATCH == 0:
            processQueue()
            transaction.savepoint(optimistic=True)
            catalog._p_jar.cacheGC()
            logger.info("... %d of %d", count, len(brains))


def drop_period_folder_order(context):
    """Remove the order annotations of every period folder."""
    cleaned = 0
    for folder in cataloged("PeriodFolder"):
        annotations = getattr(aq_base(folder), "__annotations__", None)
        if annotations is None:
            continue
        found = False
        for key in (DefaultOrdering.ORDER_KEY, DefaultOrdering.POS_KEY):
            if key in annotations:
                del annotations[key]
                found = True
        cleaned += found
    logger.info("Dropped the order lists of %d period folders", cleaned)


def _registration_time(document):
    """When the document was registered (its history says), else None."""
    from phutho.intranet.workflow.history import history_of

    for entry in history_of(document):
        if entry.get("action") == "register":
            return entry["time"]
    return None


def store_missing_arrival_dates(context):
    """Give incoming documents without a stored arrival time the time they
    were registered (the one their number's year came from), else created."""
    fixed = 0
    for document in cataloged("IncomingDocument"):
        base = aq_base(document)
        base._p_activate()  # a ghost's __dict__ is empty
        if base.__dict__.get("arrival_date") is not None:
            continue
        moment = _registration_time(document) or document.created()
        document.arrival_date = localize(moment).replace(
            second=0, microsecond=0, tzinfo=None
        )
        document.reindexObject(idxs=["arrival_date"])
        fixed += 1
    logger.info("Stored the arrival time of %d incoming documents", fixed)


DATE_INDEXES = ("document_date", "deadline")


def reindex_plain_dates(context):
    """Re-catalog the date indexes (and with them the metadata) of documents."""
    count = 0
    for document in cataloged():
        document.reindexObject(idxs=list(DATE_INDEXES))
        count += 1
    logger.info("Re-indexed the dates of %d documents", count)


def officials_groups(context):
    """Create each agency's officials group, then recompute document roles."""
    from phutho.intranet.groups import ensure_agency_groups
    from phutho.intranet.workflow.localroles import update_local_roles

    for agency in cataloged("Agency"):
        ensure_agency_groups(agency)
    changed = total = 0
    for document in cataloged():
        changed += update_local_roles(document)
        total += 1
    logger.info("Officials groups: roles of %d of %d documents updated", changed, total)


def give_reopened_work_back(context):
    """Documents in progress with no open assignment get their last lead
    (and a handler named after it) back."""
    from phutho.intranet.workflow.assignment import assignments_of
    from phutho.intranet.workflow.assignment import reopen_completed
    from phutho.intranet.workflow.localroles import update_local_roles

    fixed = 0
    for document in cataloged("IncomingDocument", review_state="in_progress"):
        if assignments_of(document, open_only=True) or not assignments_of(document):
            continue
        reopen_completed(document)
        update_local_roles(document)
        document.reindexObject(idxs=["assignees", "deadline"])
        fixed += 1
    logger.info("Gave the work back on %d reopened documents", fixed)
