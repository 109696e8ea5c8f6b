"""edXML elements to document fields and back (the table in docs/exchange.md).

:func:`incoming_fields` turns a received :class:`~.model.DocumentMessage`
into the fields of an IncomingDocument; :func:`outgoing_message` turns an
issued OutgoingDocument into the message its recipients get. Files go
through :func:`attachment_files` and :func:`document_attachments`.
"""

from .model import Attachment
from .model import Business
from .model import DocumentMessage
from .model import NEW
from .model import Organization
from .model import REPLACEMENT
from .model import ReplacementInfo
from .model import ResponseFor
from .model import StaffInfo
from .model import TraceHeader
from phutho.intranet.content.document import split_number_symbol
from phutho.intranet.content.outgoing import parse_recipient
from phutho.intranet.content.utils import find_agency
from phutho.intranet.content.vocabularies import document_type_info
from phutho.intranet.content.vocabularies import document_types
from phutho.intranet.content.vocabularies import SIGNER_AUTHORITY
from phutho.intranet.content.vocabularies import URGENCY
from phutho.intranet.dates import now
from phutho.intranet.dates import today
from plone import api
from plone.app.uuid.utils import uuidToObject
from plone.namedfile.file import NamedBlobFile

import mimetypes
import unicodedata

URGENCY_TOKENS = [token for token, title in URGENCY]  # Priority 0-4
AUTHORITIES = [token for token, title in SIGNER_AUTHORITY if token]
DEFAULT_TYPE = "cong-van"
STAFF_FIELDS = ("staff", "department", "email", "mobile")


def fold(text):
    """Lower case without diacritics (đ as d): "Công văn" -> "cong van"."""
    text = unicodedata.normalize(
        "NFD", (text or "").replace("đ", "d").replace("Đ", "D")
    )
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower().strip()


def document_type_token(type_name):
    """The vocabulary token of a TypeName ("Công văn" -> "cong-van"); the
    type list is data, so unknown names fall back to công văn."""
    wanted = fold(type_name)
    types = document_types()
    for token, title, abbreviation in types:
        if wanted and wanted in (fold(title), fold(abbreviation), fold(token)):
            return token
    tokens = [token for token, title, abbreviation in types]
    return DEFAULT_TYPE if DEFAULT_TYPE in tokens or not tokens else tokens[0]


def urgency_token(priority):
    if priority is None or not 0 <= priority < len(URGENCY_TOKENS):
        return "normal"
    return URGENCY_TOKENS[priority]


def authority_of(competence):
    """The authority prefix a competence starts with ("TL. BỘ TRƯỞNG" ->
    "TL."), else None."""
    first = (competence or "").strip().split(" ")[0].upper()
    for token in sorted(AUTHORITIES, key=len, reverse=True):
        if first == token.upper():
            return token
    return None


def file_type(attachment):
    """The MIME type the stored file gets: the declared one, unless it was
    the zip the file travelled in."""
    declared = (attachment.content_type or "").lower()
    if attachment.zipped or not declared or declared == "application/octet-stream":
        guessed = mimetypes.guess_type(attachment.name or "")[0]
        return guessed or "application/octet-stream"
    return declared


def named_file(attachment):
    return NamedBlobFile(
        data=attachment.data,
        filename=attachment.name or attachment.content_id,
        contentType=file_type(attachment),
    )


def attachment_files(message):
    """``(main file or None, [(annex title, file, attachment)])``."""
    main = message.main_attachment()
    annexes = [
        (attachment.description or attachment.name, named_file(attachment), attachment)
        for attachment in message.annexes()
    ]
    return (named_file(main) if main is not None else None), annexes


def attachment_records(message):
    """What is kept of each attachment besides its file: ContentId, name,
    declared type, description, whether it came zipped and its role."""
    main = message.main_attachment()
    return [
        {
            "content_id": a.content_id,
            "name": a.name,
            "content_type": a.content_type,
            "description": a.description,
            "zipped": a.zipped,
            "size": a.size,
            "role": "main" if a is main else "annex",
        }
        for a in message.attachments
    ]


def processing_deadline(message):
    """DueDate as the processing deadline, unless it is already past (or
    before the document date): a deadline in the past helps nobody."""
    due = message.due_date
    if due is None:
        return None
    floor = max(filter(None, (message.promulgation_date, today())))
    return due if due >= floor else None


def line(text):
    """One line: runs of spaces, tabs and line breaks as one space (names
    and titles are single-line fields; senders wrap long ones)."""
    return " ".join((text or "").split())


def incoming_fields(message):
    """Fields of the IncomingDocument a document message creates (the
    schema's and the electronic-metadata behaviors'), typed and shaped as
    the fields take them (see :data:`FIELD_ELEMENTS` for where each comes
    from)."""
    sender, staff = message.sender, message.business.staff
    competence = line(message.signer_competence)
    return {
        "title": line(message.subject),
        "document_type": document_type_token(message.type_name),
        "urgency": urgency_token(message.priority),
        "secrecy": "normal",
        "signer_authority": authority_of(competence),
        "signer_position": line(message.signer_position) or None,
        "signer_name": line(message.signer_full_name) or None,
        "page_count": message.page_amount or None,
        "channel": "exchange",
        "sender_name": line(sender.name) or sender.organ_id,
        "sender_organ_id": sender.organ_id,
        "number_symbol": message.number_symbol,
        "document_date": message.promulgation_date,
        "recipients": [line(p) for p in message.to_places if line(p)]
        or [line(r.name) or r.organ_id for r in message.recipients],
        "processing_deadline": processing_deadline(message),
        # Appendix VI metadata (behaviors)
        "document_id": message.document_id,
        "type_code": message.type,
        "type_detail": message.type_detail,
        "signer_competence": competence or None,
        "steering_type": message.steering_type,
        "sphere_of_promulgation": line(message.sphere_of_promulgation) or None,
        "typer_notation": line(message.typer_notation) or None,
        "promulgation_amount": message.promulgation_amount,
        "appendixes": [line(a) for a in message.appendixes if line(a)],
        "direction": message.direction,
        "content": message.content or None,
        "promulgation_place": line(message.place) or None,
        "due_date": message.due_date,
        "sender_organization_in_charge": line(sender.organization_in_charge) or None,
        "sender_address": line(sender.address) or None,
        "sender_email": line(sender.email) or None,
        "sender_phone": line(sender.telephone) or None,
        "sender_fax": line(sender.fax) or None,
        "sender_website": line(sender.website) or None,
        "sender_staff": line(staff.staff) or None,
        "sender_staff_department": line(staff.department) or None,
        "sender_staff_email": line(staff.email) or None,
        "sender_staff_mobile": line(staff.mobile) or None,
        "response_for": [r.document_id for r in message.response_for],
    }


# Where each field of an incoming document comes from: a value the
# document cannot hold is refused naming this element.
_STAFF = "TraceHeaderList/Bussiness/StaffInfo"
FIELD_ELEMENTS = {
    "title": "MessageHeader/Subject",
    "document_type": "MessageHeader/DocumentType/TypeName",
    "urgency": "MessageHeader/OtherInfo/Priority",
    "signer_authority": "MessageHeader/SignerInfo/Competence",
    "signer_position": "MessageHeader/SignerInfo/Position",
    "signer_name": "MessageHeader/SignerInfo/FullName",
    "page_count": "MessageHeader/OtherInfo/PageAmount",
    "sender_name": "MessageHeader/From/OrganName",
    "sender_organ_id": "MessageHeader/From/OrganId",
    "number_symbol": "MessageHeader/Code",
    "document_date": "MessageHeader/PromulgationInfo/PromulgationDate",
    "recipients": "MessageHeader/ToPlaces",
    "processing_deadline": "MessageHeader/DueDate",
    "document_id": "MessageHeader/DocumentId",
    "type_code": "MessageHeader/DocumentType/Type",
    "type_detail": "MessageHeader/DocumentType/TypeDetail",
    "signer_competence": "MessageHeader/SignerInfo/Competence",
    "steering_type": "MessageHeader/SteeringType",
    "sphere_of_promulgation": "MessageHeader/OtherInfo/SphereOfPromulgation",
    "typer_notation": "MessageHeader/OtherInfo/TyperNotation",
    "promulgation_amount": "MessageHeader/OtherInfo/PromulgationAmount",
    "appendixes": "MessageHeader/OtherInfo/Appendixes",
    "direction": "MessageHeader/OtherInfo/Direction",
    "content": "MessageHeader/Content",
    "promulgation_place": "MessageHeader/PromulgationInfo/Place",
    "due_date": "MessageHeader/DueDate",
    "sender_organization_in_charge": "MessageHeader/From/OrganizationInCharge",
    "sender_address": "MessageHeader/From/OrganAdd",
    "sender_email": "MessageHeader/From/Email",
    "sender_phone": "MessageHeader/From/Telephone",
    "sender_fax": "MessageHeader/From/Fax",
    "sender_website": "MessageHeader/From/Website",
    "sender_staff": f"{_STAFF}/Staff",
    "sender_staff_department": f"{_STAFF}/Department",
    "sender_staff_email": f"{_STAFF}/Email",
    "sender_staff_mobile": f"{_STAFF}/Mobile",
    "response_for": "MessageHeader/ResponseFor/DocumentId",
}


# -- outgoing -----------------------------------------------------------------------


def agency_organization(agency):
    """``From``/``To`` of an agency of the portal."""
    return Organization(
        organ_id=agency.organ_id or "",
        name=agency.Title(),
        organization_in_charge=getattr(agency, "organization_in_charge", None) or "",
        address=agency.address or "",
        email=agency.email or "",
        telephone=agency.phone or "",
        fax=getattr(agency, "fax", None) or "",
        website=agency.website or "",
    )


def external_organizations(document):
    """``To`` of each recipient outside the portal (Name | OrganId | e-mail)."""
    result = []
    for line in document.external_recipients or ():
        parsed = parse_recipient(line)
        result.append(
            Organization(
                organ_id=parsed["organ_id"], name=parsed["name"], email=parsed["email"]
            )
        )
    return result


def recipient_organizations(document):
    """``To`` of each recipient: agencies of the portal, then the others."""
    result = []
    for uid in document.internal_recipients or ():
        agency = uuidToObject(uid, unrestricted=True)
        if agency is not None:
            result.append(agency_organization(agency))
    return result + external_organizations(document)


def make_document_id(organ_id, issued_date, symbol):
    """``OrganId,yyyy/MM/dd,number/symbol`` (QCVN 102:2016)."""
    return f"{organ_id},{issued_date:%Y/%m/%d},{symbol}"


def document_attachments(document):
    """The main file first, then each annex (described by its title)."""
    result = []
    main = document.main_file
    if main:
        result.append(
            Attachment(
                content_id="cid:1",
                name=main.filename or "van-ban",
                content_type=main.contentType or "application/octet-stream",
                description=main.filename or "",
                data=main.data,
            )
        )
    for index, annex in enumerate(
        (o for o in document.objectValues() if o.portal_type == "Annex"), 2
    ):
        named = getattr(annex, "file", None)
        if not named:
            continue
        result.append(
            Attachment(
                content_id=f"cid:{index}",
                name=named.filename or annex.getId(),
                content_type=named.contentType or "application/octet-stream",
                description=annex.Title() or named.filename,
                data=named.data,
            )
        )
    return result


def staff_info(user_id, agency):
    """StaffInfo of a person of the portal (the clerk who acted)."""
    user = api.user.get(userid=user_id) if user_id else None
    if user is None:
        return StaffInfo(department=agency.Title() if agency is not None else "")
    return StaffInfo(
        department=agency.Title() if agency is not None else "",
        staff=user.getProperty("fullname") or user_id,
        email=user.getProperty("email") or "",
    )


def _issuer_id(document):
    from phutho.intranet.workflow.history import history_of

    for entry in reversed(history_of(document)):
        if entry.get("action") == "issue":
            return entry.get("actor")
    return None


def response_for(document):
    """``ResponseFor`` of each incoming document ``document`` answers."""
    result = []
    for relation in getattr(document, "in_reply_to", None) or ():
        if relation is None or relation.isBroken():
            continue
        answered = relation.to_object
        if answered is None:
            continue
        document_id = getattr(answered, "document_id", None) or make_document_id(
            answered.sender_organ_id or "",
            answered.document_date,
            answered.number_symbol,
        )
        result.append(
            ResponseFor(
                organ_id=answered.sender_organ_id or "",
                code=answered.number_symbol or "",
                promulgation_date=answered.document_date,
                document_id=document_id,
            )
        )
    return result


def replaced_document(document):
    """The issued document ``document`` replaces, or None."""
    relation = getattr(document, "replaces", None)
    if relation is None or relation.isBroken():
        return None
    return relation.to_object


def outgoing_message(document, business_type=None, reason=""):
    """The DocumentMessage of an issued OutgoingDocument.

    ``business_type`` defaults to a replacement when the document replaces
    another, else a new document.
    """
    agency = find_agency(document)
    number, notation = split_number_symbol(document.symbol)
    info = document_type_info(document.document_type)
    old = replaced_document(document)
    if business_type is None:
        business_type = REPLACEMENT if old is not None else NEW
    business = Business(
        doc_type=business_type,
        reason=reason,
        paper=0,
        staff=staff_info(_issuer_id(document), agency),
    )
    if business_type == REPLACEMENT and old is not None:
        business.replacements = [
            ReplacementInfo(
                document_id=getattr(old, "document_id", None) or "",
                organ_ids=[
                    r.organ_id for r in recipient_organizations(old) if r.organ_id
                ],
            )
        ]
    recipients = recipient_organizations(document)
    attachments = document_attachments(document)
    appendixes = list(getattr(document, "appendixes", None) or ()) or [
        a.description for a in attachments[1:]
    ]
    urgency = document.urgency or "normal"
    return DocumentMessage(
        sender=agency_organization(agency),
        recipients=recipients,
        document_id=getattr(document, "document_id", None)
        or make_document_id(agency.organ_id, document.issued_date, document.symbol),
        code_number=number or "",
        code_notation=notation or (document.symbol or ""),
        place=getattr(agency, "place", None) or "",
        promulgation_date=document.issued_date,
        type=getattr(document, "type_code", None) or 1,
        type_detail=getattr(document, "type_detail", None) or 0,
        type_name=info[0] if info else "",
        subject=document.Title(),
        content=document.content or "",
        signer_competence=getattr(document, "signer_competence", None)
        or (document.signer_authority or ""),
        signer_position=document.signer_position or "",
        signer_full_name=document.signer_name or "",
        due_date=document.reply_deadline,
        to_places=[r.name for r in recipients],
        priority=URGENCY_TOKENS.index(urgency) if urgency in URGENCY_TOKENS else 0,
        sphere_of_promulgation=getattr(document, "sphere_of_promulgation", None) or "",
        typer_notation=getattr(document, "typer_notation", None) or "",
        promulgation_amount=getattr(document, "promulgation_amount", None)
        or document.copies,
        page_amount=document.page_count,
        direction=getattr(document, "direction", None),
        appendixes=appendixes,
        steering_type=getattr(document, "steering_type", None),
        response_for=response_for(document),
        trace_headers=[
            TraceHeader(
                organ_id=agency.organ_id,
                timestamp=now().replace(tzinfo=None, microsecond=0),
            )
        ],
        business=business,
        attachments=attachments,
    )
