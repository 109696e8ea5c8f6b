"""Reading an incoming mail into what a document needs. Pure functions.

Mail is untrusted input: headers may carry broken or undeclared encodings
(windows-1258, VISCII, raw 8-bit), parts may be nested a thousand deep,
base64 may be corrupt, HTML may carry scripts. Nothing here raises on bad
mail except :class:`UnusableMessage` (nothing readable at all): every other
defect degrades to the best text that can be had, and what could not be
read is listed in ``ParsedMail.defects``.
"""

from dataclasses import dataclass
from dataclasses import field
from email.utils import getaddresses
from email.utils import parseaddr
from email.utils import parsedate_to_datetime
from phutho.intranet.mailin.charsets import clean_text
from phutho.intranet.mailin.charsets import decode_bytes
from phutho.intranet.mailin.charsets import decode_header_value
from phutho.intranet.mailin.html_body import html_to_text

import email
import email.policy
import hashlib
import mimetypes
import re

# How deep multiparts are followed, and how many parts are read at most.
MAX_DEPTH = 30
MAX_PARTS = 500
MAX_ATTACHMENTS = 100
MAX_SUMMARY = 10000
MAX_FILENAME = 150


def normalize_message_id(value):
    """``<ABC@Host>`` → ``abc@host``; empty when there is none."""
    value = decode_header_value(value)
    match = re.search(r"<([^<>\s]+)>", value)
    value = match.group(1) if match else value.strip()
    return value[:500].lower()


TRACE_HEADERS = frozenset(
    {
        "received",
        "return-path",
        "delivered-to",
        "x-original-to",
        "x-received",
        "x-mailin-recipient",
        "x-mailin-sender",
    }
)


def content_key(raw):
    """A key for a message without a Message-ID: SHA-256 of the message
    without the trace headers relays add, so a redelivery matches."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = raw.partition(b"\n\n")
    kept, skipping = [], False
    for line in re.split(rb"\r?\n", head):
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                kept.append(line.strip())
            continue
        name = line.split(b":", 1)[0].strip().lower().decode("ascii", "replace")
        skipping = name in TRACE_HEADERS
        if not skipping:
            kept.append(line.strip())
    digest = hashlib.sha256(b"\n".join(kept) + b"\n\n" + body.strip())
    return "sha256:" + digest.hexdigest()


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class ParsedMail:
    message_id: str = ""
    subject: str = ""
    from_name: str = ""
    from_address: str = ""
    to_addresses: list = field(default_factory=list)
    date: object = None
    text: str = ""
    html: str = ""
    attachments: list = field(default_factory=list)
    defects: list = field(default_factory=list)
    # A delivery status notification: the Message-ID it reports on and
    # ``{recipient: "status diagnostic"}`` of the failed recipients.
    bounce_of: str = ""
    bounce_recipients: dict = field(default_factory=dict)

    @property
    def usable(self):
        """True when there is something a clerk can register."""
        return bool(self.subject.strip() or self.text.strip() or self.attachments)


class UnusableMessage(ValueError):
    """Nothing in the message can be read."""


def safe_filename(name, content_type, index):
    """A file name without paths or control characters, with an extension."""
    name = decode_header_value(name) if name else ""
    name = name.replace("\\", "/").split("/")[-1]
    name = re.sub(r'[<>:"|?*\x00-\x1f]', "_", name).strip(" .")
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        name = (
            (stem[: MAX_FILENAME - 10] + dot + ext[:8]) if dot else name[:MAX_FILENAME]
        )
    if not name:
        ext = mimetypes.guess_extension(content_type or "") or ".bin"
        name = f"tep-dinh-kem-{index}{ext}"
    return name


def _payload(part, defects):
    try:
        data = part.get_payload(decode=True)
    except Exception as error:  # corrupt transfer encoding
        defects.append(f"undecodable part: {error}")
        data = None
    if data is None:
        raw = part.get_payload()
        if isinstance(raw, str):
            data = raw.encode("ascii", "surrogateescape")
        elif (
            isinstance(raw, list)
            and raw
            and part.get_content_type() == "message/rfc822"
        ):
            try:
                data = raw[0].as_bytes(policy=email.policy.compat32)
            except Exception as error:  # nested beyond what the generator takes
                defects.append(f"attached message unreadable: {error}")
                data = b""
        else:
            data = b""
    for defect in getattr(part, "defects", ()) or ():
        defects.append(type(defect).__name__)
    return data


# Parts the parser holds as sub-messages that we keep whole: an attached
# mail (kept as an .eml file) and a delivery report.
LEAF_MESSAGES = ("message/rfc822", "message/delivery-status")


def _walk(message, defects):
    """Leaf parts with their depth, iteratively (no recursion limit)."""
    stack = [(message, 0)]
    count = 0
    while stack:
        part, depth = stack.pop()
        count += 1
        if count > MAX_PARTS:
            defects.append(f"more than {MAX_PARTS} parts; the rest ignored")
            return
        if part.is_multipart() and part.get_content_type() not in LEAF_MESSAGES:
            if depth >= MAX_DEPTH:
                defects.append(f"parts nested deeper than {MAX_DEPTH} ignored")
                continue
            children = part.get_payload()
            if isinstance(children, list):
                stack.extend((child, depth + 1) for child in reversed(children))
            continue
        yield part, depth


def _status_blocks(part, data):
    """The field blocks of a delivery-status part, as dicts (the parser
    hands them over as sub-messages, or as text when it could not)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        for block in payload:
            yield {
                name.lower(): decode_header_value(value)
                for name, value in block.items()
            }
        return
    for block in re.split(r"\r?\n\s*\r?\n", decode_bytes(data or b"")):
        fields = {}
        for line in block.splitlines():
            name, sep, value = line.partition(":")
            if sep:
                fields[name.strip().lower()] = value.strip()
        yield fields


def _delivery_status(part, data, mail):
    """Failed recipients of a message/delivery-status part."""
    for fields in _status_blocks(part, data):
        if fields.get("action", "").lower() != "failed":
            continue
        recipient = fields.get("final-recipient") or fields.get("original-recipient")
        if recipient:
            address = recipient.split(";", 1)[-1].strip().lower()
            mail.bounce_recipients[address] = " ".join(
                x for x in (fields.get("status"), fields.get("diagnostic-code")) if x
            )


def _bounced_message_id(part, data):
    headers = email.message_from_bytes(
        data.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0],
        policy=email.policy.compat32,
    )
    return normalize_message_id(headers.get("Message-ID"))


def parse_message(raw):
    """Read ``raw`` (bytes) into a :class:`ParsedMail`."""
    if not raw or not raw.strip():
        raise UnusableMessage("empty message")
    try:
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception as error:  # pragma: no cover - the parser is lenient
        raise UnusableMessage(f"not a mail message: {error}")
    mail = ParsedMail()
    mail.message_id = normalize_message_id(message.get("Message-ID"))
    mail.subject = decode_header_value(message.get("Subject"))[:1000]
    name, address = parseaddr(decode_header_value(message.get("From")))
    mail.from_name = name.strip()
    mail.from_address = address.strip().lower() if "@" in address else ""
    mail.to_addresses = [
        a.strip().lower()
        for _n, a in getaddresses(
            [decode_header_value(v) for v in message.get_all("To", [])]
            + [decode_header_value(v) for v in message.get_all("Cc", [])]
        )
        if "@" in a
    ]
    try:
        mail.date = parsedate_to_datetime(message.get("Date"))
    except Exception:
        mail.date = None
    is_report = message.get_content_type() == "multipart/report"
    texts, htmls = [], []
    for part, _depth in _walk(message, mail.defects):
        content_type = part.get_content_type()
        disposition = (part.get("Content-Disposition") or "").split(";")[0].lower()
        try:
            filename = part.get_filename()
        except Exception:
            filename = None
        data = _payload(part, mail.defects)
        if is_report and content_type == "message/delivery-status":
            _delivery_status(part, data, mail)
            continue
        if is_report and content_type in ("text/rfc822-headers", "message/rfc822"):
            mail.bounce_of = mail.bounce_of or _bounced_message_id(part, data)
        if (
            content_type in ("text/plain", "text/html")
            and disposition != "attachment"
            and not filename
        ):
            text = clean_text(decode_bytes(data, part.get_content_charset()))
            (texts if content_type == "text/plain" else htmls).append(text)
            continue
        if not data:
            continue
        if len(mail.attachments) >= MAX_ATTACHMENTS:
            mail.defects.append(f"more than {MAX_ATTACHMENTS} attachments ignored")
            continue
        mail.attachments.append(
            Attachment(
                safe_filename(filename, content_type, len(mail.attachments) + 1),
                content_type,
                data,
            )
        )
    if not mail.bounce_recipients:
        mail.bounce_of = ""
    mail.html = "\n".join(htmls)
    text = "\n\n".join(t.strip() for t in texts if t.strip())
    if not text and mail.html:
        text = html_to_text(mail.html)
    mail.text = text[:MAX_SUMMARY]
    return mail


PREFERRED_MAIN = (
    ("application/pdf", ".pdf"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    ("application/vnd.oasis.opendocument.text", ".odt"),
    ("application/msword", ".doc"),
)


def choose_main(attachments):
    """Index of the attachment that is the document itself (a PDF first,
    then DOCX, ODT, DOC), or None when none of them is one."""
    for content_type, extension in PREFERRED_MAIN:
        for index, attachment in enumerate(attachments):
            if (
                attachment.content_type == content_type
                or attachment.filename.lower().endswith(extension)
            ):
                return index
    return None


NUMBER_SYMBOL_RE = re.compile(
    r"(?:^|[\s:(])(?:[Ss]ố\s*:?\s*)?(\d{1,6}/[0-9A-ZĐa-zđ]+(?:-[0-9A-ZĐa-zđ]+)+)"
)


def find_number_symbol(text):
    """A number and symbol (``15/QĐ-UBND``) mentioned in ``text``, or ''."""
    match = NUMBER_SYMBOL_RE.search(text or "")
    return match.group(1) if match else ""
