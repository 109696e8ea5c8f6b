"""File a received message in an agency: one transaction per message.

- A new document (BussinessDocType 0) creates an IncomingDocument in state
  ``received``, channel ``exchange``, with every field and file, and sends
  the sender status 01. A replacement (3) does the same and marks the
  documents it replaces.
- An update (2) changes the earlier document with the same DocumentId; a
  revocation (1) asks for it back (the clerk agrees, 15, or refuses, 16).
- A status message updates the sender's log of the outgoing document it
  answers (01-06, 15, 16) or, 13, asks for an incoming document back.

Everything is checked before anything is created: a refusal raises an
:class:`~.errors.EdXMLError` and the caller aborts the transaction. The
same message delivered again (exchange platforms redeliver) creates
nothing and returns the document it made the first time.
"""

from . import statuses
from .errors import EdXMLError
from .errors import NotAddressed
from .errors import UnknownDocument
from .limits import current_limits
from .mapping import attachment_files
from .mapping import attachment_records
from .mapping import FIELD_ELEMENTS
from .mapping import incoming_fields
from .model import REPLACEMENT
from .model import REVOCATION
from .model import UPDATE
from .reader import parse
from .reader import read
from .signature import verify
from .store import exchange_of
from .store import received_key
from BTrees.OOBTree import OOBTree
from persistent.mapping import PersistentMapping
from phutho.intranet.content.storage import add_document
from phutho.intranet.dates import now
from phutho.intranet.workflow.delivery import describe
from phutho.intranet.workflow.delivery import external_key
from phutho.intranet.workflow.delivery import record_status
from phutho.intranet.workflow.history import record
from plone import api
from plone.app.uuid.utils import uuidToObject
from plone.dexterity.utils import addContentToContainer
from plone.dexterity.utils import createContent
from plone.dexterity.utils import iterSchemataForType
from plone.namedfile.file import NamedBlobFile
from types import SimpleNamespace
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.i18n import translate
from zope.interface import Invalid
from zope.intid.interfaces import IIntIds
from zope.lifecycleevent import modified
from zope.schema import getFieldsInOrder
from zope.schema import ValidationError

import hashlib
import logging

logger = logging.getLogger("phutho.intranet.exchange")

# Fields an update from the sender may change (never the registration:
# register, arrival number and date stay the receiving clerk's).
UPDATABLE = (
    "title",
    "document_type",
    "urgency",
    "signer_authority",
    "signer_position",
    "signer_name",
    "page_count",
    "number_symbol",
    "document_date",
    "recipients",
    "processing_deadline",
    "type_code",
    "type_detail",
    "signer_competence",
    "steering_type",
    "sphere_of_promulgation",
    "typer_notation",
    "promulgation_amount",
    "appendixes",
    "direction",
    "content",
    "promulgation_place",
    "due_date",
    "response_for",
)


def _explain(error):
    """The English text of a schema refusal (a ValidationError's ``doc()``
    or an invariant's message)."""
    text = error.doc() if isinstance(error, ValidationError) else error
    return translate(text, target_language="en") or error.__class__.__name__


def check_fields(context, fields, portal_type="IncomingDocument"):
    """Refuse values the document's fields cannot hold, naming the element
    they came from: what is imported must stay valid, so that a clerk can
    edit and save it like any other document. Files are not checked here
    (a form keeps an unchanged file as it is)."""
    for schema in iterSchemataForType(portal_type):
        for name, field in getFieldsInOrder(schema):
            if name not in fields:
                continue
            try:
                field.bind(context).validate(fields[name])
            except ValidationError as error:
                element = FIELD_ELEMENTS.get(name, name)
                raise EdXMLError(
                    f"{element.rsplit('/', 1)[-1]} cannot be stored as the "
                    f"document's {name}: {_explain(error)}",
                    element,
                )
        try:
            schema.validateInvariants(SimpleNamespace(**fields))
        except Invalid as error:
            raise EdXMLError(
                f"The dates do not fit together: {_explain(error.args[0])}",
                FIELD_ELEMENTS["document_date"],
            )


def _uid_object(uid):
    return uuidToObject(uid, unrestricted=True) if uid else None


def _json(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _log_inbox(state, digest, message, result, document=None, transport=None):
    state.inbox[digest] = PersistentMapping(
        time=now(),
        kind=message.kind,
        sender=message.sender.organ_id,
        sender_name=message.sender.name,
        document_id=getattr(message, "document_id", None)
        or message.response_for.document_id,
        status_code=getattr(message, "status_code", None),
        result=result,
        document=document.UID() if document is not None else None,
        transport=transport,
    )


def _check_addressed(agency, message):
    organ_id = agency.organ_id
    if message.kind == "status":
        if message.response_for.organ_id != organ_id:
            raise NotAddressed(
                f"This status message is for {message.response_for.organ_id}, "
                f"not for this agency ({organ_id}).",
                "MessageHeader/ResponseFor/OrganId",
            )
        return
    if organ_id not in [r.organ_id for r in message.recipients]:
        raise NotAddressed(
            f"This message is not addressed to this agency ({organ_id}).",
            "MessageHeader/To",
        )


def _store_files(document, message):
    main, annexes = attachment_files(message)
    document.main_file = main
    for title, named, attachment in annexes:
        annex = createContent("Annex", title=title, file=named)
        addContentToContainer(document, annex, checkConstraints=False)
    document.exchange_attachments = attachment_records(message)


def _store_signature(document, verification, data, message):
    document.signature_status = verification.status
    document.signature_reason = verification.reason or None
    document.signature_signer = verification.signer or None
    document.signature_issuer = verification.issuer or None
    document.signature_valid_from = verification.valid_from
    document.signature_valid_until = verification.valid_until
    document.signature_trusted = verification.trusted
    if message.signature is not None:
        # The signature covers the whole message: keep it to check again.
        document.original_message = NamedBlobFile(
            data=data,
            filename=f"{document.getId()}.edxml",
            contentType="application/xml",
        )


def _relate(source, target):
    intids = getUtility(IIntIds)
    target_id = intids.register(target)
    relations = list(getattr(source, "related_documents", None) or [])
    if any(r.to_id == target_id for r in relations):
        return
    relations.append(RelationValue(target_id))
    source.related_documents = relations
    modified(source)


def _find_replaced(agency, state, message):
    """The earlier documents a replacement names that this agency has."""
    found, first_path = [], None
    for index, info in enumerate(message.business.replacements, 1):
        if info.organ_ids and agency.organ_id not in info.organ_ids:
            continue
        path = (
            f"TraceHeaderList/Bussiness/ReplacementInfoList/ReplacementInfo[{index}]"
            "/DocumentId"
        )
        first_path = first_path or path
        uid = state.received.get(
            received_key(message.sender.organ_id, info.document_id)
        )
        old = _uid_object(uid)
        if old is not None and all(old is not o for o in found):
            found.append(old)
    if not found:
        raise UnknownDocument(
            "The replacement names no document this agency received from "
            f"{message.sender.organ_id}.",
            first_path or "TraceHeaderList/Bussiness/ReplacementInfoList",
        )
    return found


def _create(agency, state, message, data, verification, transport):
    fields = incoming_fields(message)
    fields["arrival_date"] = now().replace(tzinfo=None, second=0, microsecond=0)
    check_fields(agency, fields)
    replaced = (
        _find_replaced(agency, state, message)
        if message.business.doc_type == REPLACEMENT
        else []
    )
    document = add_document(agency, "IncomingDocument", **fields)
    _store_files(document, message)
    _store_signature(document, verification, data, message)
    setattr(document, statuses.REPLY_ATTR, PersistentMapping(transport=transport))
    state.received[received_key(message.sender.organ_id, message.document_id)] = (
        document.UID()
    )
    _relate_answered(agency, state, document, message)
    record(
        document,
        "received_exchange",
        comment=message.business.reason,
        source_agency=message.sender.name or message.sender.organ_id,
        document_id=message.document_id,
        transport=transport,
        signature=verification.status,
    )
    for old in replaced:
        old.replaced_by = document.number_symbol or document.Title()
        record(
            old,
            "replaced",
            comment=f"{document.number_symbol}: {document.Title()}. "
            f"{message.business.reason}".strip(),
            source=document.UID(),
        )
        old.notifyModified()
        old.reindexObject()
        _relate(document, old)
    document.reindexObject()
    statuses.send_status(document, "01")
    return document


def _relate_answered(agency, state, document, message):
    """Link the outgoing documents of this agency the message answers."""
    for response in message.response_for:
        if response.organ_id and response.organ_id != agency.organ_id:
            continue
        answered = _uid_object(state.issued.get(response.document_id))
        if answered is not None:
            _relate(document, answered)


def _update(document, message, verification, data):
    fields = incoming_fields(message)
    check_fields(
        document,
        {
            **{name: fields[name] for name in UPDATABLE},
            "arrival_date": document.arrival_date,
        },
    )
    changes = {}
    for name in UPDATABLE:
        old, new = getattr(document, name, None), fields.get(name)
        if old != new:
            changes[name] = {"old": _json(old), "new": _json(new)}
            setattr(document, name, new)
    if message.attachments:
        for annex in [o for o in document.objectValues() if o.portal_type == "Annex"]:
            document._delObject(annex.getId())
        _store_files(document, message)
        changes["files"] = {"old": None, "new": [a.name for a in message.attachments]}
    _store_signature(document, verification, data, message)
    record(
        document,
        "updated_by_sender",
        comment=message.business.reason,
        changes=changes,
        source_agency=message.sender.name,
    )
    document.notifyModified()
    document.reindexObject()


def _request_recall(document, reason, source_agency):
    document.recall = "requested"
    record(document, "recall_requested", comment=reason, source_agency=source_agency)
    document.notifyModified()
    document.reindexObject()


def _existing(state, message, element="MessageHeader/DocumentId"):
    key = received_key(message.sender.organ_id, message.document_id)
    document = _uid_object(state.received.get(key))
    if document is None:
        raise UnknownDocument(
            f"This agency never received {message.document_id} from "
            f"{message.sender.organ_id}.",
            element,
        )
    return document


def _status(agency, state, message):
    response = message.response_for
    if message.status_code == "13":
        # The issuer asks for a document this agency received.
        key = received_key(message.sender.organ_id, response.document_id)
        document = _uid_object(state.received.get(key))
        if document is None:
            raise UnknownDocument(
                f"This agency never received {response.document_id} from "
                f"{message.sender.organ_id}.",
                "MessageHeader/ResponseFor/DocumentId",
            )
        _request_recall(document, message.description, message.sender.name)
        return document
    outgoing = _uid_object(state.issued.get(response.document_id))
    if outgoing is None:
        raise UnknownDocument(
            f"This agency issued no document {response.document_id}.",
            "MessageHeader/ResponseFor/DocumentId",
        )
    record_status(
        outgoing,
        external_key(message.sender.organ_id),
        message.status_code,
        time=message.timestamp,
        description=message.description
        or describe(message.status_code, "", message.staff.staff),
        staff=message.staff.staff,
        organ_id=message.sender.organ_id,
        name=message.sender.name or None,
    )
    outgoing.reindexObject(idxs=["modified"])
    return outgoing


def import_message(agency, data, transport="rest"):
    """File ``data`` (an edXML message, bytes) in ``agency``.

    Returns ``(object, created)``: the incoming document created (True),
    or the document the message acted on or answered (False): a
    redelivered message, an update, a revocation, a status. Raises
    :class:`~.errors.EdXMLError` (nothing is changed then, provided the
    caller aborts the transaction as the REST service does).
    """
    if not getattr(agency, "organ_id", None):
        raise EdXMLError("This agency has no OrganId: it cannot receive messages.")
    limits = current_limits()
    root = parse(data, limits)
    message = read(root, limits)
    _check_addressed(agency, message)
    state = exchange_of(agency)
    digest = hashlib.sha256(data).hexdigest()
    seen = state.inbox.get(digest)
    if seen is not None and _uid_object(seen.get("document")) is not None:
        logger.info("%s: message %s delivered again", agency.absolute_url(1), digest)
        return _uid_object(seen["document"]), False
    with api.env.adopt_roles(["Manager"]):
        document, created = _apply(agency, state, message, root, data, transport)
    _log_inbox(
        state, digest, message, "created" if created else "applied", document, transport
    )
    logger.info(
        "%s: %s %s from %s %s",
        agency.absolute_url(1),
        message.kind,
        getattr(message, "document_id", None) or message.response_for.document_id,
        message.sender.organ_id,
        "created" if created else "applied",
    )
    return document, created


def _apply(agency, state, message, root, data, transport):
    if message.kind == "status":
        return _status(agency, state, message), False
    doc_type = message.business.doc_type
    if doc_type in (UPDATE, REVOCATION):
        document = _existing(state, message)
        if doc_type == UPDATE:
            _update(document, message, verify(root), data)
        else:
            _request_recall(document, message.business.reason, message.sender.name)
        return document, False
    key = received_key(message.sender.organ_id, message.document_id)
    existing = _uid_object(state.received.get(key))
    if existing is not None:
        return existing, False
    return _create(agency, state, message, data, verify(root), transport), True


def register_issued(agency, document):
    """Make an issued outgoing document findable by its DocumentId (for the
    status messages that answer it)."""
    state = exchange_of(agency)
    if not isinstance(state.issued, OOBTree):  # pragma: no cover - defensive
        state.issued = OOBTree(state.issued)
    state.issued[document.document_id] = document.UID()
