"""Pages of the document exchange: the clerk's upload form on an agency
("Nhận văn bản điện tử"), and the exchange sections of a document page
(the check of a received signature, the per-recipient status log)."""

from datetime import datetime
from phutho.intranet import _
from phutho.intranet import permissions
from phutho.intranet.dates import format_datetime
from phutho.intranet.exchange.api import import_message
from phutho.intranet.exchange.errors import EdXMLError
from phutho.intranet.exchange.limits import current_limits
from phutho.intranet.workflow.delivery import delivery_status
from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView
from zope.i18n import translate

import logging
import transaction

logger = logging.getLogger("phutho.intranet.exchange")


REFUSAL_TITLES = {
    "InvalidEdXML": _(
        "edxml_refused_invalid",
        default="The message cannot be received as it is.",
    ),
    "UnknownDocument": _(
        "edxml_refused_unknown",
        default="The message acts on a document this agency does not have.",
    ),
    "NotAddressed": _(
        "edxml_refused_not_addressed",
        default="The message is not addressed to this agency.",
    ),
}


class ReceiveForm(BrowserView):
    """``@@receive-edxml``: upload an edXML message into the agency."""

    error = None

    def error_title(self):
        """What went wrong, in the reader's language (the detail that
        follows is the reader's own English, naming the element)."""
        if self.error is None:
            return ""
        title = REFUSAL_TITLES.get(
            self.error.error_type, REFUSAL_TITLES["InvalidEdXML"]
        )
        return translate(title, context=self.request)

    def __call__(self):
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            upload = self.request.form.get("message")
            data = upload.read(current_limits().message_bytes + 1) if upload else b""
            try:
                document, created = import_message(self.context, data)
            except EdXMLError as error:
                transaction.doom()
                logger.warning(
                    "Upload to %s refused: %s", self.context.absolute_url(1), error
                )
                self.error = error
                self.request.response.setStatus(400)
                return self.index()
            message = (
                _("msg_edxml_received", default="The document was received.")
                if created
                else _(
                    "msg_edxml_known",
                    default="This message was already received: here is its document.",
                )
            )
            api.portal.show_message(message, request=self.request)
            return self.request.response.redirect(document.absolute_url())
        return self.index()


class AgencySection(BrowserView):
    """The exchange link of an agency's page, for its clerks."""

    def available(self):
        return api.user.has_permission(
            permissions.AddIncomingDocument, obj=self.context
        )


SIGNATURE_TITLES = {
    "valid": _("edxml_signature_valid", default="Valid signature"),
    "invalid": _("edxml_signature_invalid", default="Invalid signature"),
    "unsigned": _("edxml_signature_unsigned", default="Not signed"),
}
TRANSPORT_TITLES = {
    "internal": _("transport_internal", default="in the portal"),
    "directory": _("transport_directory", default="exchange folder"),
    "email": _("transport_email", default="e-mail"),
}
SIGNATURE_CLASSES = {"valid": "bg-success", "invalid": "bg-danger"}
TRUST_TITLES = {
    True: _(
        "edxml_signature_trusted", default="The certificate chains to a trusted CA."
    ),
    False: _(
        "edxml_signature_untrusted",
        default="The certificate does not chain to a trusted CA.",
    ),
}


class DocumentSection(BrowserView):
    """Signature check (incoming) and status log (outgoing) of a document."""

    def signature(self):
        status = getattr(self.context, "signature_status", None)
        if not status:
            return None
        trusted = getattr(self.context, "signature_trusted", None)
        return {
            "status": status,
            "title": translate(SIGNATURE_TITLES[status], context=self.request),
            "css": SIGNATURE_CLASSES.get(status, "bg-secondary"),
            "trust": (
                translate(TRUST_TITLES[trusted], context=self.request)
                if trusted in TRUST_TITLES
                else ""
            ),
            "reason": self.context.signature_reason,
            "signer": self.context.signature_signer,
            "issuer": self.context.signature_issuer,
            "valid": " – ".join(
                format_datetime(d)
                for d in (
                    self.context.signature_valid_from,
                    self.context.signature_valid_until,
                )
                if d
            ),
        }

    def recipients(self):
        if self.context.portal_type != "OutgoingDocument":
            return []
        rows = []
        for item in delivery_status(self.context, external=True):
            rows.append(
                {
                    "name": item["agency_title"] or item["organ_id"] or item["email"],
                    "key": item["organ_id"] or item["agency"] or item["email"] or "",
                    "transport": (
                        translate(
                            TRANSPORT_TITLES[item["transport"]], context=self.request
                        )
                        if item["transport"] in TRANSPORT_TITLES
                        else ""
                    ),
                    "log": [
                        {
                            "code": entry["code"],
                            "title": (
                                translate(entry["title"], context=self.request)
                                if entry["title"]
                                else ""
                            ),
                            "time": format_datetime(
                                datetime.fromisoformat(entry["time"])
                            ),
                            "description": entry["description"],
                            "staff": entry["staff"],
                        }
                        for entry in item["log"]
                    ],
                }
            )
        return rows
