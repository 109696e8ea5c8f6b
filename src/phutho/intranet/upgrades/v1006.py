"""1005 → 1006: reading documents (issue 15).

The registry gets the reading settings (``phutho.intranet.reading.*``)
and nothing else: importing the registry step again would reset what
webmasters changed. The catalog gets the ``signature_status`` index and
column here, without re-importing the catalog step (which would touch the
text indexes' lexicon), and every document's files are queued for OCR and
signature checks once.
"""

from phutho.intranet.jobs.subscribers import files_changed
from phutho.intranet.ocr.settings import IReadingSettings
from phutho.intranet.ocr.settings import PREFIX
from plone import api
from plone.registry.interfaces import IRegistry
from zope.component import getUtility

import logging

logger = logging.getLogger("phutho.intranet.upgrades")

INDEX = "signature_status"


def reading_settings(context):
    """The reading settings' records, with their defaults where missing
    (existing values are kept)."""
    getUtility(IRegistry).registerInterface(IReadingSettings, prefix=PREFIX)


def add_signature_index(context):
    catalog = api.portal.get_tool("portal_catalog")
    if INDEX not in catalog.indexes():
        catalog.addIndex(INDEX, "FieldIndex")
    if INDEX not in catalog.schema():
        catalog.addColumn(INDEX)


def queue_existing_files(context):
    """Queue OCR and signature checks for the files already stored."""
    catalog = api.portal.get_tool("portal_catalog")
    count = 0
    for brain in catalog.unrestrictedSearchResults(
        portal_type=["IncomingDocument", "OutgoingDocument", "Annex"]
    ):
        obj = brain._unrestrictedGetObject()
        files_changed(obj, None)
        obj.reindexObject(idxs=[INDEX])
        count += 1
    logger.info("Reading queued for the files of %s documents", count)
