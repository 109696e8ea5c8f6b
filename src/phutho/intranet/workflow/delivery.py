"""Internal delivery: an issued outgoing document reaches the agencies that
live in the portal as incoming documents, and the sender follows them.

Each recipient gets its own IncomingDocument in state received (its own
registration, assignment and history), with copies of the files and a link
to the source. The sender sees each recipient's progress as the edXML
status codes (QCVN 102:2016) would report it.
"""

from BTrees.OOBTree import OOBTree
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from phutho.intranet import _
from phutho.intranet.content.storage import container_for
from phutho.intranet.content.utils import find_agency
from phutho.intranet.content.utils import same_object
from phutho.intranet.dates import localize
from phutho.intranet.dates import now
from phutho.intranet.search.cache import carry_text
from phutho.intranet.workflow.history import record
from phutho.intranet.workflow.presentation import fullname
from plone import api
from plone.app.uuid.utils import uuidToObject
from plone.dexterity.utils import addContentToContainer
from plone.dexterity.utils import createContent
from plone.namedfile.file import NamedBlobFile
from zope.i18n import translate

import logging

logger = logging.getLogger("phutho.intranet.delivery")

DELIVERIES_ATTR = "_deliveries"
LOG_ATTR = "_delivery_log"

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

# Every status code the log may hold, and its title.
CODE_TITLES = {
    "01": _("status_01", default="Received, not yet handled"),
    "02": _("status_02", default="Returned (rejected)"),
    "03": _("status_03", default="Registered"),
    "04": _("status_04", default="Assigned"),
    "05": _("status_05", default="In progress"),
    "06": _("status_06", default="Completed"),
    "13": _("recall_13", default="Recall requested"),
    "15": _("recall_15", default="Recall accepted"),
    "16": _("recall_16", default="Recall refused"),
}

# Entries without a code: what became of a message handed to a transport
# (exchange/outbox.py).
EVENT_TITLES = {
    "sent": _("event_sent", default="Sent"),
    "held": _("event_held", default="Waiting in the outbox"),
    "failed": _("event_failed", default="Could not be sent"),
    "unsent": _("event_unsent", default="No electronic address: send it on paper"),
}

# The recipient's transitions of an incoming document, as the status code
# they report to the sender (QCVN 102:2016). Submitting to the leader and
# sending back to the clerk change nothing the sender follows.
TRANSITION_CODES = {
    "return_to_sender": "02",
    "register": "03",
    "assign": "04",
    "reassign": "04",
    "start": "05",
    "reopen": "05",
    "complete": "06",
    "accept_recall": "15",
    "refuse_recall": "16",
}

# Codes that say where the document is; 13/15/16 are about a recall.
PROGRESS_CODES = ("01", "02", "03", "04", "05", "06")

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


# -- the sender's status log, one record per recipient -----------------------------


def external_key(organ_id=None, email=None, name=None):
    """Log key of a recipient outside the portal: its OrganId, else its
    e-mail, else its name. (Agencies of the portal are keyed by UID.)"""
    if organ_id:
        return f"organ:{organ_id}"
    if email:
        return f"mail:{email.lower()}"
    return f"name:{name or ''}"


def _log(outgoing, create=False):
    log = getattr(outgoing, LOG_ATTR, None)
    if log is None and create:
        # A BTree: statuses of different recipients arriving at once change
        # different records and do not conflict.
        log = OOBTree()
        setattr(outgoing, LOG_ATTR, log)
    return log


def ensure_recipient(outgoing, key, **info):
    """The log record of recipient ``key``, created if needed; the given
    ``info`` (name, organ_id, email, agency, document, transport) updates
    it."""
    log = _log(outgoing, create=True)
    record = log.get(key)
    if record is None:
        record = PersistentMapping(key=key, entries=PersistentList())
        log[key] = record
    for name, value in info.items():
        if value is not None and record.get(name) != value:
            record[name] = value
    return record


def record_status(
    outgoing, key, code, time=None, description="", staff="", event="status", **info
):
    """Append a status of recipient ``key`` to the sender's log.

    :param code: edXML status code (01-06, 13, 15, 16), or "" for an
        event without one (``event="sent"``: handed to a transport).
    :param time: when the recipient acted (the status message's timestamp,
        the moment of the transition), not when the log learnt of it;
        naive values are local time.
    :param description: what happened, with the clerk's reason.
    :param staff: who acted (a name).
    """
    if code and code not in CODE_TITLES:
        raise ValueError(f"Unknown status code {code!r}")
    record = ensure_recipient(outgoing, key, **info)
    entry = PersistentMapping(
        code=code or "",
        time=localize(time) if time is not None else now(),
        description=description or "",
        staff=staff or "",
        event=event,
    )
    record["entries"].append(entry)
    return entry


def status_log(outgoing):
    """The log as plain data: ``[{key, name, organ_id, transport, ...,
    entries: [{code, time, description, staff, event}]}]``, entries
    oldest first.

    Times are compared to the second: status messages carry whole seconds
    (``yyyy/MM/dd HH:mm:ss``), so within one second the order the log
    learnt them in stands (sent, then received).
    """
    result = []
    for recipient in (_log(outgoing) or {}).values():
        item = {k: v for k, v in recipient.items() if k != "entries"}
        entries = [dict(entry) for entry in recipient["entries"]]
        order = sorted(
            range(len(entries)),
            key=lambda i: (entries[i]["time"].replace(microsecond=0), i),
        )
        item["entries"] = [entries[i] for i in order]
        result.append(item)
    return result


def _last(entries, codes):
    for entry in reversed(entries):
        if entry["code"] in codes:
            return entry
    return None


def describe(code, comment="", actor_name=""):
    """The description of a status: who did what, and the reason given."""
    title = translate(CODE_TITLES.get(code, code), target_language="vi")
    text = f"{actor_name}: {title}" if actor_name else title
    return f"{text}. {comment.strip()}" if (comment or "").strip() else text


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


def _actor_name():
    user = api.user.get_current()
    user_id = user.getId() if user is not None else None
    return fullname(user_id) if user_id else ""


def deliver_internally(outgoing):
    """Deliver ``outgoing`` to its internal recipients (once each), each
    starting the sender's log with 01.

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
        record_status(
            outgoing,
            uid,
            "01",
            description=describe("01"),
            staff=_actor_name(),
            agency=uid,
            name=agency.Title(),
            organ_id=agency.organ_id,
            document=copy.UID(),
            transport="internal",
        )
        delivered.append(agency.Title())
        logger.info("Delivered %s to %s", outgoing.symbol, agency.absolute_url(1))
    return delivered


def delivery_status(outgoing, external=False):
    """Each recipient's progress, from the sender's log: the last status
    code (01-06) with its time, description and staff, the course of a
    recall (13/15/16) and the whole log.

    Agencies of the portal also show the state of their copy, read with
    system rights: the sender may know the state of the copy without
    being allowed to read it. Recipients outside the portal (reached by
    exchange or e-mail, keyed by OrganId or address) are included when
    ``external`` is true: ``@delivery-status`` and the page's status log
    show everyone, the internal delivery table its own copies.
    """
    result = []
    for entry_record in status_log(outgoing):
        if not external and entry_record.get("transport") != "internal":
            continue
        entries = entry_record["entries"]
        last = _last(entries, PROGRESS_CODES)
        recall = _last(entries, tuple(RECALL_CODES.values()))
        doc_uid = entry_record.get("document")
        doc = uuidToObject(doc_uid, unrestricted=True) if doc_uid else None
        state = api.content.get_state(doc) if doc is not None else None
        code = last["code"] if last else None
        result.append(
            {
                "agency": entry_record.get("agency"),
                "agency_title": entry_record.get("name"),
                "organ_id": entry_record.get("organ_id"),
                "email": entry_record.get("email"),
                "transport": entry_record.get("transport"),
                "document": doc_uid,
                "state": state,
                "status_code": code,
                "status_title": CODE_TITLES.get(code),
                "time": last["time"].isoformat() if last else None,
                "description": last["description"] if last else "",
                "staff": last["staff"] if last else "",
                "recall": getattr(doc, "recall", None),
                "recall_code": recall["code"] if recall else None,
                "modified": entries[-1]["time"].isoformat() if entries else None,
                "log": [
                    {
                        "code": e["code"],
                        "title": CODE_TITLES.get(e["code"])
                        or EVENT_TITLES.get(e["event"]),
                        "time": e["time"].isoformat(),
                        "description": e["description"],
                        "staff": e["staff"],
                        "event": e["event"],
                    }
                    for e in entries
                ],
            }
        )
    return sorted(result, key=lambda r: r["agency_title"] or "")


def notify_recall(outgoing, comment):
    """Ask every recipient in the portal to withdraw its copy (edXML 13).

    The recipient's clerk answers with the ``accept_recall`` (15) or
    ``refuse_recall`` (16) transition of the copy.
    """
    notified = []
    for agency_uid, doc_uid in deliveries_of(outgoing).items():
        doc = uuidToObject(doc_uid, unrestricted=True)
        if doc is None or api.content.get_state(doc) in ("returned", "withdrawn"):
            continue
        doc.recall = "requested"
        record(doc, "recall_requested", comment=comment, source=outgoing.UID())
        doc.reindexObject()
        record_status(
            outgoing,
            agency_uid,
            "13",
            description=describe("13", comment, _actor_name()),
            staff=_actor_name(),
        )
        notified.append(doc_uid)
    return notified


def on_copy_transition(document, event):
    """Subscriber: a recipient's move on its copy of an internal delivery
    goes into the sender's log, as the status message would."""
    source_uid = getattr(document, "source_uid", None)
    if event.transition is None or not source_uid:
        return
    code = TRANSITION_CODES.get(event.transition.id)
    if code is None:
        return
    outgoing = uuidToObject(source_uid, unrestricted=True)
    agency = find_agency(document)
    if outgoing is None or agency is None:
        return
    comment = (event.kwargs or {}).get("comment", "")
    staff = _actor_name()
    record_status(
        outgoing,
        agency.UID(),
        code,
        description=describe(code, comment, staff),
        staff=staff,
        agency=agency.UID(),
        name=agency.Title(),
        document=document.UID(),
        transport="internal",
    )


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
