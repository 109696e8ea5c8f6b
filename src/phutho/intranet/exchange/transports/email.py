"""E-mail: the message as an ``.edxml`` attachment, through Plone's MailHost.

Sent only through a queued MailHost (``smtp_queue``): zope.sendmail then
writes the mail into its queue when the transaction commits and a thread
delivers it, surviving a relay that is down. Without a queue the message
stays ``held`` in the outbox (an immediate send would go out even if the
transaction later aborted); the pickup command retries held items.
"""

from ..interfaces import IConnector
from ..interfaces import TransportError
from email.message import EmailMessage
from email.utils import formataddr
from plone import api
from zope.interface import implementer

SUBJECTS = {
    "document": "Văn bản điện tử (edXML)",
    "status": "Thông báo trạng thái văn bản (edXML)",
}


def mail_queued(mailhost):
    return bool(getattr(mailhost, "smtp_queue", False))


def build_mail(agency, recipient, item):
    """The e-mail carrying ``item``'s message."""
    message = EmailMessage()
    sender = agency.email or api.portal.get_registry_record(
        "plone.email_from_address", default=None
    )
    if not sender:
        raise TransportError("The agency has no e-mail address to send from.")
    message["From"] = formataddr((agency.Title(), sender))
    message["To"] = formataddr((recipient.name or "", recipient.email))
    message["Subject"] = f"{SUBJECTS.get(item.kind, 'edXML')} - {agency.Title()}"
    message["X-Edxml-Kind"] = item.kind
    message.set_content(
        "Thông điệp edXML (QCVN 102:2016/BTTTT) gửi kèm thư này.\n"
        f"Cơ quan gửi: {agency.Title()} ({agency.organ_id})\n"
    )
    message.add_attachment(
        item.data(), maintype="application", subtype="xml", filename=item.filename
    )
    return message


@implementer(IConnector)
class EmailConnector:
    """Mails the message to the recipient's e-mail address."""

    name = "email"
    title = "Thư điện tử"
    priority = 10

    def accepts(self, agency, recipient):
        return bool(recipient.email)

    def send(self, agency, recipient, item):
        mailhost = api.portal.get_tool("MailHost")
        mail = build_mail(agency, recipient, item)
        if not mail_queued(mailhost):
            return "held"
        mailhost.send(mail.as_bytes(), immediate=False)
        return "sent"
