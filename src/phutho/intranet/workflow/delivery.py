"""Internal delivery: an issued outgoing document reaches the agencies that
live in the portal as incoming documents, and the sender follows them.

Each recipient gets its own IncomingDocument in state received (its own
registration, assignment and history), with copies of the files and a link
to the source. The sender sees each recipient's progress as the edXML
status codes (QCVN 102:2016) would report it.
"""

from persistent.mapping import PersistentMapping
from phutho.intranet import _
from phutho.intranet.content.storage import container_for
from phutho.intranet.content.utils import find_agency
from phutho.intranet.content.utils import same_object
from phutho.intranet.dates import localize
from phutho.intranet.dates import now
from phutho.intranet.search.cache import carry_text
from phutho.intranet.workflow.history import record
from plone import api
from plone.app.uuid.utils import uuidToObject
from plone.dexterity.utils import addContentToContainer
from plone.dexterity.utils import createContent
from plone.namedfile.file import NamedBlobFile

import logging

logger = logging.getLogger("phutho.intranet.delivery")

DELIVERIES_ATTR = "_deliveries"

# Recipient's state -> edXML status code and its meaning.
STATUS = {
    "received": ("01", _("status_01", default="Received, not yet handled")),
    "returned": ("02", _("status_02", default="Returned (rejected)")),
    "registered": ("03", _("status_03", default="Registered")),
    "submitted": ("03", _("status_03", default="Registered")),
    "assigned": ("04", _("status_04", default="Assigned")),
    "in_progress": ("05", _("status_05", default="In progress")),
    "completed": ("06", _("status_06", default="Completed")),
}

# A recall's course on the recipient's side, as edXML status codes.
RECALL_CODES = {"requested": "13", "accepted": "15", "refused": "16"}

COPIED_FIELDS = (
    "title",
    "description",
    "document_type",
    "secrecy",
    "urgency",
    "signer_authority",
    "signer_position",
    "signer_name",
    "page_count",
)


def _copy_file(named_file):
    """A new file with the same data (each copy is its agency's record),
    keeping the text already extracted: issuing to ten agencies must not
    parse the same PDF ten times inside the numbering transaction."""
    if named_file is None:
        return None
    copy = NamedBlobFile(
        data=named_file.data,
        filename=named_file.filename,
        contentType=named_file.contentType,
    )
    carry_text(named_file, copy)
    return copy


def deliveries_of(outgoing):
    """``{recipient agency UID: incoming document UID}``."""
    return dict(getattr(outgoing, DELIVERIES_ATTR, None) or {})


def make_incoming_copy(outgoing, agency):
    """Create the recipient agency's incoming document for ``outgoing``."""
    source_agency = find_agency(outgoing)
    doc = createContent("IncomingDocument")
    for name in COPIED_FIELDS:
        setattr(doc, name, getattr(outgoing, name, None))
    doc.sender_name = source_agency.Title()
    doc.sender_organ_id = source_agency.organ_id
    doc.number_symbol = outgoing.symbol
    doc.document_date = outgoing.issued_date
    doc.arrival_date = now().replace(tzinfo=None, second=0, microsecond=0)
    doc.channel = "internal"
    doc.recipients = [agency.Title()]
    doc.processing_deadline = outgoing.reply_deadline
    doc.main_file = _copy_file(outgoing.main_file)
    doc.source_uid = outgoing.UID()
    container = container_for(agency, "IncomingDocument")
    doc = addContentToContainer(container, doc, checkConstraints=False)
    for annex in outgoing.objectValues():
        if annex.portal_type != "Annex":
            continue
        copy = createContent("Annex", title=annex.title, file=_copy_file(annex.file))
        addContentToContainer(doc, copy, checkConstraints=False)
    # The sender's clerk created it but has no business in it.
    creator = api.user.get_current().getId()
    if creator and "Owner" in doc.get_local_roles_for_userid(creator):
        doc.manage_delLocalRoles([creator])
    record(doc, "delivered", source=outgoing.UID(), source_agency=source_agency.Title())
    doc.reindexObject()
    return doc


def deliver_internally(outgoing):
    """Deliver ``outgoing`` to its internal recipients (once each).

    Returns the titles of the agencies delivered to.
    """
    deliveries = getattr(outgoing, DELIVERIES_ATTR, None)
    if deliveries is None:
        deliveries = PersistentMapping()
        setattr(outgoing, DELIVERIES_ATTR, deliveries)
    own = find_agency(outgoing)
    delivered = []
    for uid in outgoing.internal_recipients or ():
        if uid in deliveries:
            continue
        agency = uuidToObject(uid, unrestricted=True)
        if agency is None or same_object(agency, own):
            logger.warning("Not delivering %s to %r", outgoing.absolute_url(1), uid)
            continue
        with api.env.adopt_roles(["Manager"]):
            copy = make_incoming_copy(outgoing, agency)
        deliveries[uid] = copy.UID()
        delivered.append(agency.Title())
        logger.info("Delivered %s to %s", outgoing.symbol, agency.absolute_url(1))
    return delivered


def delivery_status(outgoing):
    """Each recipient's progress, as edXML status codes.

    Read with system rights: the sender may know the state of the copy
    without being allowed to read it.
    """
    result = []
    for agency_uid, doc_uid in deliveries_of(outgoing).items():
        agency = uuidToObject(agency_uid, unrestricted=True)
        doc = uuidToObject(doc_uid, unrestricted=True)
        state = api.content.get_state(doc) if doc is not None else None
        code, title = STATUS.get(state, (None, None))
        result.append(
            {
                "agency": agency_uid,
                "agency_title": agency.Title() if agency is not None else None,
                "document": doc_uid,
                "state": state,
                "status_code": code,
                "status_title": title,
                "recall": getattr(doc, "recall", None),
                "recall_code": RECALL_CODES.get(getattr(doc, "recall", None)),
                "modified": (
                    localize(doc.modified()).isoformat() if doc is not None else None
                ),
            }
        )
    return sorted(result, key=lambda r: r["agency_title"] or "")


def notify_recall(outgoing, comment):
    """Ask every recipient to withdraw its copy (edXML 13).

    The recipient's clerk answers with the ``accept_recall`` (15) or
    ``refuse_recall`` (16) transition of the copy.
    """
    notified = []
    for doc_uid in deliveries_of(outgoing).values():
        doc = uuidToObject(doc_uid, unrestricted=True)
        if doc is None or api.content.get_state(doc) in ("returned", "withdrawn"):
            continue
        doc.recall = "requested"
        record(doc, "recall_requested", comment=comment, source=outgoing.UID())
        doc.reindexObject()
        notified.append(doc_uid)
    return notified


def notify_replacement(old, new):
    """Tell the recipients of ``old`` that ``new`` replaces it (edXML
    BussinessDocType 3): their copies record it in their history."""
    notified = []
    for doc_uid in deliveries_of(old).values():
        doc = uuidToObject(doc_uid, unrestricted=True)
        if doc is None:
            continue
        doc.replaced_by = new.symbol
        record(
            doc, "replaced", comment=f"{new.symbol}: {new.Title()}", source=new.UID()
        )
        # reindexObject(idxs=...) leaves the modification date alone.
        doc.notifyModified()
        doc.reindexObject(idxs=["modified"])
        notified.append(doc_uid)
    return notified
