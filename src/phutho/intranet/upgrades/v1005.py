"""1004 → 1005: Decree 30 in full (issue 12).

Profile steps run as ``upgradeDepends`` (rolemap: the report, search,
sharing and access-log permissions and the draft-version ones; registry:
the project's indexes as Collection criteria, access-log settings;
typeinfo: outgoing drafts versioned; workflow: editors of a case file;
repositorytool: versioning policy). Here what XML cannot say:

* the catalog indexes the reports and the advanced search query, added
  when missing and filled from a catalog query of the types they concern
  (never ``catalog.xml`` again, which would empty the existing ones);
* the "bản lưu" field of issued outgoing documents, filled with what the
  register showed for them (``VT, <drafting unit>``);
* the case files' new sharing roles and workflow mappings;
* the access log's storage, created once here rather than by the first
  page view.
"""

from phutho.intranet.accesslog import storage
from phutho.intranet.reports.registers import archive_holders
from phutho.intranet.sharing import update_sharing
from plone import api
from Products.ZCatalog.Catalog import CatalogError

import logging
import transaction

logger = logging.getLogger("phutho.intranet.upgrades")

BATCH = 500
LEXICON = "phutho_lexicon"

# index -> (meta type, portal types whose objects it indexes)
INCOMING = ("IncomingDocument",)
DOCUMENTS = ("IncomingDocument", "OutgoingDocument")
INDEXES = {
    "organ_id": ("FieldIndex", DOCUMENTS),
    "recipients": ("ZCTextIndex", DOCUMENTS),
    "signer": ("ZCTextIndex", DOCUMENTS),
    "sender_name": ("ZCTextIndex", INCOMING),
    "channel": ("FieldIndex", INCOMING),
    "drafting_unit": ("FieldIndex", ("OutgoingDocument",)),
    "file_catalog": ("FieldIndex", ("CaseFile",)),
    "handled_by": ("KeywordIndex", INCOMING),
    "timeliness": ("FieldIndex", INCOMING),
    "processing_hours": ("FieldIndex", INCOMING),
}


class _Extra:
    """The ``extra`` record ZCTextIndex takes when added from code."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def _batches(brains):
    for start in range(0, len(brains), BATCH):
        yield brains[start : start + BATCH]


def add_indexes(context=None):
    """Add the missing indexes and index the objects they concern."""
    catalog = api.portal.get_tool("portal_catalog")
    added = []
    for name, (meta_type, _types) in INDEXES.items():
        if name in catalog.indexes():
            continue
        extra = None
        if meta_type == "ZCTextIndex":
            extra = _Extra(
                lexicon_id=LEXICON, index_type="Okapi BM25 Rank", doc_attr=name
            )
        try:
            catalog.addIndex(name, meta_type, extra)
        except CatalogError:  # added meanwhile
            continue
        added.append(name)
    types = sorted({t for name in added for t in INDEXES[name][1]})
    if not added:
        return []
    brains = catalog.unrestrictedSearchResults(portal_type=types)
    count = 0
    for batch in _batches(brains):
        for brain in batch:
            obj = brain._unrestrictedGetObject()
            wanted = [n for n in added if obj.portal_type in INDEXES[n][1]]
            catalog.catalog_object(obj, idxs=wanted, update_metadata=False)
            count += 1
        transaction.savepoint(optimistic=True)
    logger.info("Added indexes %s, indexed %d objects", ", ".join(added), count)
    return added


def fill_archive_holders(context=None):
    """Issued outgoing documents record who keeps their file copies."""
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(
        portal_type="OutgoingDocument", review_state=("issued", "recalled", "replaced")
    )
    filled = 0
    for batch in _batches(brains):
        for brain in batch:
            document = brain._unrestrictedGetObject()
            if not getattr(document, "archive_holders", None):
                document.archive_holders = archive_holders(document)
                filled += 1
        transaction.savepoint(optimistic=True)
    logger.info("Recorded file copies (bản lưu) of %d outgoing documents", filled)
    return filled


def update_casefiles(context=None):
    """Case files get their workflow's new mappings and sharing roles."""
    catalog = api.portal.get_tool("portal_catalog")
    workflow = api.portal.get_tool("portal_workflow").getWorkflowById(
        "phutho_casefile_workflow"
    )
    count = 0
    for brain in catalog.unrestrictedSearchResults(portal_type="CaseFile"):
        casefile = brain._unrestrictedGetObject()
        workflow.updateRoleMappingsFor(casefile)
        update_sharing(casefile)
        casefile.reindexObject(idxs=["allowedRolesAndUsers"])
        count += 1
    logger.info("Updated %d case files", count)
    return count


def create_access_log(context=None):
    storage.days_of(api.portal.get(), create=True)
