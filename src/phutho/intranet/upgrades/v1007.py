"""1006 → 1007: the portal for daily work (issue 13).

Profile steps run as ``upgradeDepends`` (the work calendar's types,
workflow and permissions; the registry). Here what XML cannot say:

* the indexes and metadata columns of the dashboards and the search
  facets, added when missing and filled from a catalog query of the
  documents (never ``catalog.xml`` again, which would empty the existing
  indexes);
* the news and announcements folders offer only what belongs in them;
* every agency gets its work calendar (its types, workflow and
  permissions come with the profile steps).
"""

from phutho.intranet.schedule.setup import ensure_calendars
from phutho.intranet.upgrades.v1005 import _batches
from phutho.intranet.work import setup as work_setup
from plone import api
from Products.ZCatalog.Catalog import CatalogError

import logging
import transaction

logger = logging.getLogger("phutho.intranet.upgrades")

DOCUMENTS = ("IncomingDocument", "OutgoingDocument")
INDEXES = {
    "last_transition": "FieldIndex",
    "assigned_by": "KeywordIndex",
    "drafter": "FieldIndex",
    "issuer": "FieldIndex",
    "document_year": "FieldIndex",
}
COLUMNS = ("last_transition", "issuer", "drafting_unit", "progress", "work_lead")


def add_work_indexes(context=None):
    """Add the missing indexes and columns and index the documents."""
    catalog = api.portal.get_tool("portal_catalog")
    added = []
    for name, meta_type in INDEXES.items():
        if name in catalog.indexes():
            continue
        try:
            catalog.addIndex(name, meta_type)
        except CatalogError:  # added meanwhile
            continue
        added.append(name)
    columns = [name for name in COLUMNS if name not in catalog.schema()]
    for name in columns:
        catalog.addColumn(name)
    if not (added or columns):
        return []
    brains = catalog.unrestrictedSearchResults(portal_type=DOCUMENTS)
    count = 0
    for batch in _batches(brains):
        for brain in batch:
            obj = brain._unrestrictedGetObject()
            # Metadata is written whole: the new columns get their values.
            catalog.catalog_object(obj, idxs=added or ["getId"], update_metadata=True)
            count += 1
        transaction.savepoint(optimistic=True)
    logger.info(
        "Daily work: added indexes %s and columns %s, indexed %d documents",
        ", ".join(added) or "-",
        ", ".join(columns) or "-",
        count,
    )
    return added + columns


def work_settings(context=None):
    """News and pages are "xuất bản"; folders offer what belongs in them."""
    return work_setup.install()


def work_calendars(context=None):
    """Every agency gets its work calendar."""
    return ensure_calendars()
