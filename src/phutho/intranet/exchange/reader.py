"""Read edXML messages, hardened.

A message comes from outside: it is parsed with lxml with no DTD, no
entity resolution and no network, refused when it carries a DOCTYPE, and
held to size limits (:mod:`.limits`) on the whole, on each attachment once
decoded, and on each zipped attachment once unzipped. Every refusal is an
:class:`~.errors.EdXMLError` naming the element at fault.

Elements are matched in the edXML namespace or in none: the official
samples mix ``edXML:``-prefixed envelope elements with unprefixed
attachment and signature elements under a default namespace, and other
systems drop the namespace on the attachments altogether.
"""

from .errors import EdXMLError
from .errors import MessageTooLarge
from .limits import DEFAULT
from .model import Attachment
from .model import Business
from .model import BUSINESS_TYPES
from .model import DocumentMessage
from .model import DSIG_NAMESPACE
from .model import NAMESPACE
from .model import Organization
from .model import Receiver
from .model import ReplacementInfo
from .model import ResponseFor
from .model import StaffInfo
from .model import STATUS_CODES
from .model import StatusMessage
from .model import TraceHeader
from datetime import datetime
from io import BytesIO
from lxml import etree
from phutho.intranet.content.validators import ORGAN_ID_RE

import base64
import binascii
import posixpath
import re
import zipfile
import zlib

PARSER_OPTIONS = dict(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    # Attachments are base64 text nodes of several MB: libxml2 refuses text
    # over 10 MB without it. Entities stay unresolved and DTDs refused, so
    # nothing can grow beyond what was sent (itself limited).
    huge_tree=True,
    collect_ids=False,
)

DOCUMENT_ID_RE = re.compile(r"^[^,\s][^,]*,[^,]+,.+$")
XML_DECLARATION_RE = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']+)[\"']")
# Some senders put a few characters before the XML declaration (the official
# edoc_new sample starts with "1212"): tolerated when short and harmless.
PREAMBLE_RE = re.compile(rb"^[0-9A-Za-z \t\r\n]{1,32}(?=<\?xml)")
ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/x-zip")
CHUNK = 1024 * 1024


# -- parsing -------------------------------------------------------------------


def _strip_preamble(data):
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] in (
        b"\x00\x00\xfe\xff",
        b"\xff\xfe\x00\x00",
    ):
        raise EdXMLError("The message must be encoded in UTF-8, not UTF-16/32.")
    data = data.lstrip()
    match = PREAMBLE_RE.match(data)
    if match:
        data = data[match.end() :]
    declaration = XML_DECLARATION_RE.match(data)
    if declaration and declaration.group(1).lower() not in (b"utf-8", b"utf8"):
        raise EdXMLError(
            "The message must be encoded in UTF-8, not "
            f"{declaration.group(1).decode('ascii', 'replace')}."
        )
    return data


def _local(element):
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _open_path(events):
    """Local names of the elements still open when parsing stopped."""
    stack = []
    for event, element in events:
        if event == "start":
            stack.append(_local(element))
        elif stack:
            stack.pop()
    return "/".join(stack) or None


def parse(data, limits=DEFAULT):
    """Parse ``data`` (bytes) into the root element, refusing what is not a
    well-formed, DTD-free, UTF-8 edXML message within the size limit."""
    if not isinstance(data, bytes):
        raise EdXMLError("The message must be bytes.")
    if len(data) > limits.message_bytes:
        raise MessageTooLarge(
            f"The message is {len(data)} bytes; at most "
            f"{limits.message_bytes} are accepted.",
            "edXML",
        )
    if not data.strip():
        raise EdXMLError("The message is empty.")
    data = _strip_preamble(data)
    parser = etree.XMLPullParser(events=("start", "end"), **PARSER_OPTIONS)
    try:
        parser.feed(data)
        root = parser.close()
    except etree.XMLSyntaxError as error:
        raise EdXMLError(
            f"The message is not well-formed XML: {error.msg}",
            _open_path(parser.read_events()),
        )
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise EdXMLError("A DOCTYPE is not allowed in a message.", "DOCTYPE")
    if not isinstance(root.tag, str) or _local(root) != "edXML":
        raise EdXMLError("The root element must be edXML.", _local(root))
    if etree.QName(root).namespace != NAMESPACE:
        raise EdXMLError(
            f"The root element must be in the namespace {NAMESPACE}.", "edXML"
        )
    return root


# -- reading elements ------------------------------------------------------------------


class _Reader:
    """Typed access to children, refusing with the element's path."""

    def __init__(self, limits):
        self.limits = limits

    def children(self, parent, name, namespaces=(NAMESPACE, None)):
        return [
            child
            for child in parent
            if isinstance(child.tag, str)
            and _local(child) == name
            and etree.QName(child).namespace in namespaces
        ]

    def child(self, parent, name, path, required=False, **kw):
        found = self.children(parent, name, **kw)
        if not found:
            if required:
                raise EdXMLError(f"{name} is missing.", f"{path}/{name}")
            return None
        return found[0]

    def text(self, parent, name, path, required=False, max_length=None):
        element = self.child(parent, name, path, required)
        if element is None:
            return ""
        if len(element):
            raise EdXMLError(f"{name} must hold text, not elements.", f"{path}/{name}")
        value = (element.text or "").strip()
        if required and not value:
            raise EdXMLError(f"{name} is empty.", f"{path}/{name}")
        limit = max_length or self.limits.text_chars
        if len(value) > limit:
            raise EdXMLError(
                f"{name} has {len(value)} characters; at most {limit} are accepted.",
                f"{path}/{name}",
            )
        if "\x00" in value:
            raise EdXMLError(f"{name} contains a NUL character.", f"{path}/{name}")
        return value

    def integer(self, parent, name, path, required=False, minimum=0, maximum=None):
        value = self.text(parent, name, path, required)
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            raise EdXMLError(f"{name} must be a whole number.", f"{path}/{name}")
        if number < minimum or (maximum is not None and number > maximum):
            raise EdXMLError(
                f"{name} must be between {minimum} and {maximum}.", f"{path}/{name}"
            )
        return number

    def boolean(self, parent, name, path):
        value = self.text(parent, name, path).lower()
        if not value:
            return None
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        raise EdXMLError(f"{name} must be true or false.", f"{path}/{name}")

    def date(self, parent, name, path, required=False):
        value = self.text(parent, name, path, required)
        if not value:
            return None
        return parse_date(value, f"{path}/{name}")

    def timestamp(self, parent, name, path, required=False):
        value = self.text(parent, name, path, required)
        if not value:
            return None
        return parse_timestamp(value, f"{path}/{name}")

    def organ_id(self, parent, path, required=True, name="OrganId"):
        value = self.text(parent, name, path, required, max_length=50)
        if value and not ORGAN_ID_RE.match(value):
            raise EdXMLError(
                f"OrganId {value!r} is not an agency code (groups of letters "
                "and digits separated by dots, e.g. 000.00.00.G22).",
                f"{path}/{name}",
            )
        return value

    def document_id(self, parent, path, required=True, name="DocumentId"):
        value = self.text(parent, name, path, required, max_length=255)
        if value and not DOCUMENT_ID_RE.match(value):
            raise EdXMLError(
                f"DocumentId {value!r} is not OrganId,yyyy/MM/dd,number/symbol.",
                f"{path}/{name}",
            )
        return value

    def staff(self, parent, path):
        element = self.child(parent, "StaffInfo", path)
        if element is None:
            return StaffInfo()
        path = f"{path}/StaffInfo"
        return StaffInfo(
            department=self.text(element, "Department", path, max_length=500),
            staff=self.text(element, "Staff", path, max_length=500),
            email=self.text(element, "Email", path, max_length=500),
            mobile=self.text(element, "Mobile", path, max_length=100),
        )

    def organization(self, element, path, required_name=True):
        return Organization(
            organ_id=self.organ_id(element, path),
            name=self.text(element, "OrganName", path, required_name, 500),
            organization_in_charge=self.text(
                element, "OrganizationInCharge", path, max_length=500
            ),
            address=self.text(element, "OrganAdd", path, max_length=500),
            email=self.text(element, "Email", path, max_length=500),
            telephone=self.text(element, "Telephone", path, max_length=100),
            fax=self.text(element, "Fax", path, max_length=100),
            website=self.text(element, "Website", path, max_length=500),
        )

    def response_for(self, element, path):
        return ResponseFor(
            organ_id=self.organ_id(element, path, required=False),
            code=self.text(element, "Code", path, max_length=255),
            promulgation_date=self.date(element, "PromulgationDate", path),
            document_id=self.document_id(element, path),
        )


DATE_FORMATS = ("%Y/%m/%d", "%Y-%m-%d")
TIMESTAMP_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M")


def _plausible(value, element):
    if not 1900 <= value.year <= 2200:
        raise EdXMLError(f"The year {value.year} is not plausible.", element)
    return value


def parse_date(text, element):
    """``yyyy/MM/dd`` (the standard) or ``yyyy-MM-dd``."""
    for fmt in DATE_FORMATS:
        try:
            return _plausible(datetime.strptime(text, fmt).date(), element)
        except ValueError:
            continue
    raise EdXMLError(f"{text!r} is not a date written yyyy/MM/dd.", element)


def parse_timestamp(text, element):
    """``yyyy/MM/dd HH:mm:ss`` (the standard, local time) or ISO 8601; an
    offset is converted to local time."""
    for fmt in TIMESTAMP_FORMATS:
        try:
            return _plausible(datetime.strptime(text, fmt), element)
        except ValueError:
            continue
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise EdXMLError(
            f"{text!r} is not a time written yyyy/MM/dd HH:mm:ss.", element
        )
    if moment.tzinfo is not None:
        from phutho.intranet.dates import TIMEZONE

        moment = moment.astimezone(TIMEZONE).replace(tzinfo=None)
    return _plausible(moment, element)


# -- attachments --------------------------------------------------------------------------


def _safe_name(name):
    """A file name without directories or control characters."""
    name = posixpath.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:255]


def _decode(text, limits, element):
    encoded = "".join(text.split())
    if len(encoded) * 3 // 4 > limits.attachment_bytes:
        raise MessageTooLarge(
            f"The attachment is about {len(encoded) * 3 // 4} bytes; at most "
            f"{limits.attachment_bytes} are accepted.",
            element,
        )
    if len(encoded) % 4:
        raise EdXMLError("The attachment is not valid base64 (length).", element)
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise EdXMLError("The attachment is not valid base64.", element)


def _unzip(raw, limits, element):
    """Members of a zipped attachment: ``[(name, data)]``, each read at
    most up to the limit (declared sizes may lie)."""
    try:
        archive = zipfile.ZipFile(BytesIO(raw))
        members = [info for info in archive.infolist() if not info.is_dir()]
        if not members:
            raise EdXMLError("The zipped attachment is empty.", element)
        if len(members) > limits.zip_members:
            raise EdXMLError(
                f"The zipped attachment has {len(members)} files; at most "
                f"{limits.zip_members} are accepted.",
                element,
            )
        result, total = [], 0
        for info in members:
            chunks = []
            with archive.open(info) as stream:
                while True:
                    chunk = stream.read(CHUNK)
                    if not chunk:
                        break
                    total += len(chunk)
                    if total > limits.attachment_bytes:
                        raise MessageTooLarge(
                            "The zipped attachment unpacks to more than "
                            f"{limits.attachment_bytes} bytes.",
                            element,
                        )
                    chunks.append(chunk)
            result.append((_safe_name(info.filename), b"".join(chunks)))
        return result
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
        raise EdXMLError(f"The zipped attachment cannot be read: {error}", element)
    except RuntimeError as error:  # encrypted members
        raise EdXMLError(f"The zipped attachment cannot be read: {error}", element)


def _is_zipped(raw, content_type, name):
    """Zipped then base64: declared as a zip, named as the file inside."""
    return (content_type or "").lower() in ZIP_TYPES and not (
        name or ""
    ).lower().endswith(".zip")


def _attachments(reader, root, envelope, limits):
    containers = reader.children(root, "AttachmentEncoded") + reader.children(
        envelope, "AttachmentEncoded"
    )
    elements = [el for c in containers for el in reader.children(c, "Attachment")]
    if len(elements) > limits.attachments:
        raise EdXMLError(
            f"The message has {len(elements)} attachments; at most "
            f"{limits.attachments} are accepted.",
            "AttachmentEncoded",
        )
    result, seen = [], set()
    for index, element in enumerate(elements, 1):
        path = f"AttachmentEncoded/Attachment[{index}]"
        content_id = reader.text(element, "ContentId", path, True, 255)
        if content_id in seen:
            raise EdXMLError(
                f"ContentId {content_id!r} is used twice.", f"{path}/ContentId"
            )
        seen.add(content_id)
        description = reader.text(element, "Description", path, max_length=1000)
        name = _safe_name(reader.text(element, "AttachmentName", path, max_length=500))
        content_type = reader.text(element, "ContentType", path, max_length=255)
        encoded = reader.child(element, "ContentTransferEncoded", path, True)
        raw = _decode(encoded.text or "", limits, f"{path}/ContentTransferEncoded")
        if not raw:
            raise EdXMLError(
                "The attachment is empty.", f"{path}/ContentTransferEncoded"
            )
        name = name or _safe_name(description) or content_id.replace("cid:", "")
        if _is_zipped(raw, content_type, name):
            members = _unzip(raw, limits, f"{path}/ContentTransferEncoded")
            for position, (member, data) in enumerate(members):
                single = len(members) == 1
                result.append(
                    Attachment(
                        content_id=content_id if single else f"{content_id}/{position}",
                        name=name if single else member or name,
                        content_type=content_type,
                        description=description,
                        data=data,
                        zipped=True,
                    )
                )
        else:
            result.append(
                Attachment(
                    content_id=content_id,
                    name=name,
                    content_type=content_type,
                    description=description,
                    data=raw,
                )
            )
    return result


def _check_manifest(reader, envelope, attachments):
    body = reader.child(envelope, "edXMLBody", "edXMLEnvelope")
    manifest = (
        reader.child(body, "edXMLManifest", "edXMLBody") if body is not None else None
    )
    if manifest is None:
        return
    known = {a.content_id.split("/")[0] for a in attachments}
    for index, reference in enumerate(reader.children(manifest, "Reference"), 1):
        path = f"edXMLBody/edXMLManifest/Reference[{index}]"
        content_id = reader.text(reference, "ContentId", path, True, 255)
        if content_id not in known:
            raise EdXMLError(
                f"The manifest names the attachment {content_id!r}, which the "
                "message does not carry.",
                f"{path}/ContentId",
            )


# -- messages ----------------------------------------------------------------------------


def _signature(reader, header):
    element = reader.child(
        header, "Signature", "edXMLHeader", namespaces=(DSIG_NAMESPACE, NAMESPACE, None)
    )
    return etree.tostring(element) if element is not None else None


def _business(reader, trace_list):
    path = "TraceHeaderList/Bussiness"
    element = reader.child(trace_list, "Bussiness", "TraceHeaderList")
    if element is None:
        return Business()
    doc_type = reader.integer(element, "BussinessDocType", path, True, 0, 3)
    if doc_type not in BUSINESS_TYPES:
        raise EdXMLError("Unknown BussinessDocType.", f"{path}/BussinessDocType")
    business = Business(
        doc_type=doc_type,
        reason=reader.text(element, "BussinessDocReason", path, max_length=2000),
        paper=reader.integer(element, "Paper", path, maximum=1),
        document_id=reader.text(element, "DocumentId", path, max_length=255),
        staff=reader.staff(element, path),
    )
    info = reader.child(element, "BussinessDocumentInfo", path)
    if info is not None:
        info_path = f"{path}/BussinessDocumentInfo"
        business.document_info = reader.integer(info, "DocumentInfo", info_path)
        business.document_receiver = reader.integer(info, "DocumentReceiver", info_path)
        receivers = reader.child(info, "ReceiverList", info_path)
        for index, receiver in enumerate(
            reader.children(receivers, "Receiver") if receivers is not None else (), 1
        ):
            receiver_path = f"{info_path}/ReceiverList/Receiver[{index}]"
            business.receivers.append(
                Receiver(
                    organ_id=reader.organ_id(receiver, receiver_path),
                    receiver_type=reader.integer(
                        receiver, "ReceiverType", receiver_path
                    ),
                )
            )
    replacements = reader.child(element, "ReplacementInfoList", path)
    for index, info in enumerate(
        (
            reader.children(replacements, "ReplacementInfo")
            if replacements is not None
            else ()
        ),
        1,
    ):
        info_path = f"{path}/ReplacementInfoList/ReplacementInfo[{index}]"
        organs = reader.child(info, "OrganIdList", info_path)
        organ_ids = []
        if organs is not None:
            for position, organ in enumerate(reader.children(organs, "OrganId"), 1):
                value = (organ.text or "").strip()
                if not ORGAN_ID_RE.match(value):
                    raise EdXMLError(
                        f"OrganId {value!r} is not an agency code.",
                        f"{info_path}/OrganIdList/OrganId[{position}]",
                    )
                organ_ids.append(value)
        business.replacements.append(
            ReplacementInfo(
                document_id=reader.document_id(info, info_path), organ_ids=organ_ids
            )
        )
    if doc_type == 3 and not business.replacements:
        raise EdXMLError(
            "A replacement names the documents it replaces.",
            f"{path}/ReplacementInfoList",
        )
    return business


def _trace_headers(reader, trace_list):
    result = []
    for index, element in enumerate(reader.children(trace_list, "TraceHeader"), 1):
        path = f"TraceHeaderList/TraceHeader[{index}]"
        result.append(
            TraceHeader(
                organ_id=reader.organ_id(element, path),
                timestamp=reader.timestamp(element, "Timestamp", path),
            )
        )
    return result


def _document(reader, root, envelope, header, message_header, limits):
    path = "MessageHeader"
    r = reader
    sender = r.organization(r.child(message_header, "From", path, True), f"{path}/From")
    recipients = [
        r.organization(element, f"{path}/To[{index}]", required_name=False)
        for index, element in enumerate(r.children(message_header, "To"), 1)
    ]
    if not recipients:
        raise EdXMLError("To is missing: the message names no recipient.", f"{path}/To")
    message = DocumentMessage(
        sender=sender,
        recipients=recipients,
        document_id=r.document_id(message_header, path),
        subject=r.text(message_header, "Subject", path, True, 500),
        content=r.text(message_header, "Content", path),
    )
    code = r.child(message_header, "Code", path)
    if code is not None:
        message.code_number = r.text(code, "CodeNumber", f"{path}/Code", max_length=50)
        message.code_notation = r.text(
            code, "CodeNotation", f"{path}/Code", max_length=200
        )
    info = r.child(message_header, "PromulgationInfo", path, True)
    message.place = r.text(info, "Place", f"{path}/PromulgationInfo", max_length=200)
    message.promulgation_date = r.date(
        info, "PromulgationDate", f"{path}/PromulgationInfo", True
    )
    doc_type = r.child(message_header, "DocumentType", path)
    if doc_type is not None:
        type_path = f"{path}/DocumentType"
        message.type = r.integer(doc_type, "Type", type_path)
        message.type_detail = r.integer(doc_type, "TypeDetail", type_path)
        message.type_name = r.text(doc_type, "TypeName", type_path, max_length=200)
    signer = r.child(message_header, "SignerInfo", path)
    if signer is not None:
        signer_path = f"{path}/SignerInfo"
        message.signer_competence = r.text(
            signer, "Competence", signer_path, max_length=200
        )
        message.signer_position = r.text(
            signer, "Position", signer_path, max_length=200
        )
        message.signer_full_name = r.text(
            signer, "FullName", signer_path, max_length=200
        )
    message.due_date = r.date(message_header, "DueDate", path)
    places = r.child(message_header, "ToPlaces", path)
    if places is not None:
        message.to_places = [
            (el.text or "").strip()
            for el in r.children(places, "Place")
            if (el.text or "").strip()
        ]
    other = r.child(message_header, "OtherInfo", path)
    if other is not None:
        other_path = f"{path}/OtherInfo"
        message.priority = r.integer(other, "Priority", other_path, maximum=4)
        message.sphere_of_promulgation = r.text(
            other, "SphereOfPromulgation", other_path, max_length=500
        )
        message.typer_notation = r.text(
            other, "TyperNotation", other_path, max_length=100
        )
        message.promulgation_amount = r.integer(other, "PromulgationAmount", other_path)
        message.page_amount = r.integer(other, "PageAmount", other_path)
        message.direction = r.boolean(other, "Direction", other_path)
        appendixes = r.child(other, "Appendixes", other_path)
        if appendixes is not None:
            message.appendixes = [
                (el.text or "").strip()
                for el in r.children(appendixes, "Appendix")
                if (el.text or "").strip()
            ]
    message.steering_type = r.integer(message_header, "SteeringType", path, maximum=9)
    message.response_for = [
        r.response_for(element, f"{path}/ResponseFor[{index}]")
        for index, element in enumerate(r.children(message_header, "ResponseFor"), 1)
    ]
    trace_list = r.child(header, "TraceHeaderList", "edXMLHeader")
    if trace_list is not None:
        message.trace_headers = _trace_headers(r, trace_list)
        message.business = _business(r, trace_list)
    message.attachments = _attachments(r, root, envelope, limits)
    _check_manifest(r, envelope, message.attachments)
    message.signature = _signature(r, header)
    return message


def _status(reader, header, message_header):
    path = "MessageHeader"
    r = reader
    code = r.text(message_header, "StatusCode", path, True, 10)
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    if code not in STATUS_CODES:
        raise EdXMLError(f"Unknown StatusCode {code!r}.", f"{path}/StatusCode")
    response_for = r.child(message_header, "ResponseFor", path, True)
    message = StatusMessage(
        sender=r.organization(
            r.child(message_header, "From", path, True),
            f"{path}/From",
            required_name=False,
        ),
        response_for=r.response_for(response_for, f"{path}/ResponseFor"),
        staff=r.staff(message_header, path),
        status_code=code,
        description=r.text(message_header, "Description", path, max_length=5000),
        timestamp=r.timestamp(message_header, "Timestamp", path, True),
        signature=_signature(r, header),
    )
    if not message.response_for.organ_id:
        raise EdXMLError("OrganId is missing.", f"{path}/ResponseFor/OrganId")
    return message


def read(root, limits=DEFAULT):
    """A :class:`DocumentMessage` or :class:`StatusMessage` from a parsed
    root (see :func:`parse`)."""
    reader = _Reader(limits)
    envelope = reader.child(root, "edXMLEnvelope", "edXML", True)
    header = reader.child(envelope, "edXMLHeader", "edXMLEnvelope", True)
    message_header = reader.child(header, "MessageHeader", "edXMLHeader", True)
    if reader.child(message_header, "StatusCode", "MessageHeader") is not None:
        return _status(reader, header, message_header)
    return _document(reader, root, envelope, header, message_header, limits)


def read_message(data, limits=DEFAULT):
    """Parse and read ``data`` (bytes): see :func:`parse` and :func:`read`."""
    return read(parse(data, limits), limits)
