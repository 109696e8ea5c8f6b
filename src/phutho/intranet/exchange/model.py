"""An edXML message as plain data (QCVN 102:2016/BTTTT).

What :mod:`.reader` returns and :mod:`.writer` takes: dataclasses with
English names, one per element group of the standard, values already
typed (dates are ``date``, timestamps naive local ``datetime``, amounts
``int``). Nothing here touches XML or documents.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
DSIG_NAMESPACE = "http://www.w3.org/2000/09/xmldsig#"

# TraceHeaderList/Bussiness/BussinessDocType
NEW = 0
REVOCATION = 1
UPDATE = 2
REPLACEMENT = 3
BUSINESS_TYPES = (NEW, REVOCATION, UPDATE, REPLACEMENT)

# StatusCode of status messages, and what each says.
STATUS_CODES = {
    "01": "Received, not yet handled by the clerk",
    "02": "Rejected (returned to the sender)",
    "03": "Accepted and registered",
    "04": "Assigned",
    "05": "In progress",
    "06": "Completed",
    "13": "Recall requested by the sender",
    "15": "Update or recall agreed",
    "16": "Update or recall refused",
}


@dataclass
class Organization:
    """``From`` or ``To``: an agency."""

    organ_id: str = ""
    name: str = ""
    organization_in_charge: str = ""
    address: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass
class StaffInfo:
    """The clerk or official who acted."""

    department: str = ""
    staff: str = ""
    email: str = ""
    mobile: str = ""

    def __bool__(self):
        return any((self.department, self.staff, self.email, self.mobile))


@dataclass
class ResponseFor:
    """The document a message answers."""

    organ_id: str = ""
    code: str = ""
    promulgation_date: date = None
    document_id: str = ""


@dataclass
class ReplacementInfo:
    """A document replaced, and the agencies it was sent to."""

    document_id: str = ""
    organ_ids: list = field(default_factory=list)


@dataclass
class Receiver:
    """``BussinessDocumentInfo/ReceiverList/Receiver`` of an update."""

    organ_id: str = ""
    receiver_type: int = None


@dataclass
class Business:
    """``TraceHeaderList/Bussiness``: what the message does."""

    doc_type: int = NEW
    reason: str = ""
    paper: int = None
    document_id: str = ""
    staff: StaffInfo = field(default_factory=StaffInfo)
    document_info: int = None
    document_receiver: int = None
    receivers: list = field(default_factory=list)
    replacements: list = field(default_factory=list)


@dataclass
class TraceHeader:
    """An agency the message went through, and when."""

    organ_id: str = ""
    timestamp: datetime = None


@dataclass
class Attachment:
    """A file of the message, decoded (and unzipped when it came zipped)."""

    content_id: str = ""
    name: str = ""
    content_type: str = ""
    description: str = ""
    data: bytes = b""
    # Sent zipped-then-base64 (the samples' way); the writer does the same.
    zipped: bool = False

    @property
    def size(self):
        return len(self.data)


@dataclass
class DocumentMessage:
    """A document message (``edoc``): a new document, or an update,
    revocation or replacement of an earlier one."""

    sender: Organization = field(default_factory=Organization)
    recipients: list = field(default_factory=list)
    document_id: str = ""
    code_number: str = ""
    code_notation: str = ""
    place: str = ""
    promulgation_date: date = None
    type: int = None
    type_detail: int = None
    type_name: str = ""
    subject: str = ""
    content: str = ""
    signer_competence: str = ""
    signer_position: str = ""
    signer_full_name: str = ""
    due_date: date = None
    to_places: list = field(default_factory=list)
    priority: int = None
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int = None
    page_amount: int = None
    direction: bool = None
    appendixes: list = field(default_factory=list)
    steering_type: int = None
    response_for: list = field(default_factory=list)
    trace_headers: list = field(default_factory=list)
    business: Business = field(default_factory=Business)
    attachments: list = field(default_factory=list)
    # The XML-DSig Signature element as received (bytes), None if unsigned.
    signature: bytes = None

    kind = "document"

    @property
    def number_symbol(self):
        """``15/QĐ-UBND``; the notation alone when the document has no
        number, the number alone when it has no notation."""
        parts = [p for p in (self.code_number, self.code_notation) if p]
        return "/".join(parts)

    def main_attachment(self):
        """The main file: see :func:`choose_main`."""
        return choose_main(self.attachments, self.appendixes)[0]

    def annexes(self):
        return choose_main(self.attachments, self.appendixes)[1]


@dataclass
class StatusMessage:
    """A status message: how the recipient handles a document (01-06,
    15, 16) or the sender's recall request (13)."""

    sender: Organization = field(default_factory=Organization)
    response_for: ResponseFor = field(default_factory=ResponseFor)
    staff: StaffInfo = field(default_factory=StaffInfo)
    status_code: str = ""
    description: str = ""
    timestamp: datetime = None
    signature: bytes = None

    kind = "status"


# File name endings of document files (the main file is one of these).
DOCUMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt", ".rtf")
DOCUMENT_TYPES = (
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "application/rtf",
)


def is_document_file(attachment):
    name = (attachment.name or "").lower()
    return name.endswith(DOCUMENT_EXTENSIONS) or (
        (attachment.content_type or "").lower() in DOCUMENT_TYPES
    )


def choose_main(attachments, appendixes=()):
    """Split attachments into ``(main, annexes)``.

    The message names its annexes (phụ lục) in ``OtherInfo/Appendixes``:
    an attachment whose name or description is listed there is an annex.
    The main file is the first other attachment that is a document file
    (PDF, DOC, DOCX, ODT, RTF), else the first other attachment. Order is
    kept; writers put the main file first.
    """
    named = {(a or "").strip().casefold() for a in appendixes or () if a}

    def is_annex(att):
        keys = {(att.name or "").strip().casefold()}
        keys.add((att.description or "").strip().casefold())
        return bool(keys & named)

    candidates = [a for a in attachments if not is_annex(a)]
    main = next((a for a in candidates if is_document_file(a)), None)
    if main is None and candidates:
        main = candidates[0]
    return main, [a for a in attachments if a is not main]
