"""Building MIME messages: UTF-8 text and HTML, encoded headers, attachments.

Pure functions over the standard library's ``email`` package (policy SMTP:
CRLF line ends, RFC 2047 encoded subjects and display names), so that a
Vietnamese subject or name reaches any mail client intact.
"""

from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from email.utils import make_msgid

import datetime
import uuid

POLICY = SMTP


def address(email, name=None):
    """An ``Address`` from an e-mail address and an optional display name."""
    if not email or "@" not in email:
        raise ValueError(f"Not an e-mail address: {email!r}")
    username, domain = email.rsplit("@", 1)
    return Address(display_name=name or "", username=username, domain=domain)


# "Message-ID: <id>" must stay on one line: MailHost folds headers at 78
# characters and zope.sendmail's queue refuses a folded Message-ID.
MESSAGE_ID_MAX = 78 - len("Message-ID: ")


def new_message_id(sender_email):
    """A fresh Message-ID in the sender's domain, with its angle brackets,
    short enough to stay on one header line."""
    domain = sender_email.rsplit("@", 1)[-1] if sender_email else None
    message_id = make_msgid(idstring="phutho", domain=domain or None)
    if len(message_id) <= MESSAGE_ID_MAX:
        return message_id
    # A long domain: 128 random bits, then as much of the domain as fits.
    local = uuid.uuid4().hex
    room = MESSAGE_ID_MAX - len(local) - 3
    labels = (domain or "phutho.local").split(".")
    while len(labels) > 2 and len(".".join(labels)) > room:
        labels = labels[1:]
    return f"<{local}@{'.'.join(labels)[-room:].lstrip('.') or 'phutho'}>"


def build_message(
    subject,
    text,
    sender,
    to,
    html=None,
    attachments=(),
    reply_to=None,
    headers=None,
):
    """Return an ``EmailMessage`` ready to send.

    :param sender: ``(name, email)`` of the From header.
    :param to: list of ``(name, email)``.
    :param html: optional HTML alternative of ``text``.
    :param attachments: ``(filename, content_type, bytes)`` triples.
    :param headers: extra headers (e.g. ``Auto-Submitted``).
    """
    if not to:
        raise ValueError("A message needs at least one recipient")
    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = subject
    msg["From"] = address(sender[1], sender[0])
    msg["To"] = [address(email, name) for name, email in to]
    if reply_to:
        msg["Reply-To"] = address(reply_to[1], reply_to[0])
    msg["Date"] = format_datetime(datetime.datetime.now(datetime.timezone.utc))
    msg["Message-ID"] = new_message_id(sender[1])
    for key, value in (headers or {}).items():
        msg[key] = value
    # Quoted-printable keeps every line 7-bit: relays and MailHost's own
    # header handling never see raw UTF-8.
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    if html:
        msg.add_alternative(
            html, subtype="html", charset="utf-8", cte="quoted-printable"
        )
    for filename, content_type, data in attachments:
        maintype, subtype = _attachment_type(content_type)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def _attachment_type(content_type):
    """(maintype, subtype) of an attachment, attached as bytes (base64)."""
    maintype, _sep, subtype = (content_type or "").lower().partition("/")
    subtype = subtype.split(";")[0].strip()
    if not maintype or not subtype or maintype in ("multipart", "message"):
        return "application", "octet-stream"
    return maintype, subtype


def as_bytes(msg):
    """The message as sent on the wire (CRLF, 7-bit safe headers)."""
    return msg.as_bytes(policy=POLICY)
