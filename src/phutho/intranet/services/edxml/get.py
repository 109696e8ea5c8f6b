"""``GET <outgoing document>/@edxml`` (``Accept: application/xml``): the
edXML message of an issued document, signed when a key is configured.

``?business=update|revocation|replacement`` (and ``reason=``) gives the
message of that action instead of the document as issued. A document
that is not issued yet, or a ``business`` that is none of these, answers
400 (JSON, the portal's error model).
"""

from phutho.intranet import _
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.exchange.api import export_message
from phutho.intranet.exchange.model import REPLACEMENT
from phutho.intranet.exchange.model import REVOCATION
from phutho.intranet.exchange.model import UPDATE
from plone import api
from plone.restapi.services import Service

BUSINESS = {"update": UPDATE, "revocation": REVOCATION, "replacement": REPLACEMENT}
ISSUED_STATES = ("issued", "recalled", "replaced")


def check_exportable(document, business):
    """Refuse what has no message: a document not issued, an unknown
    ``business``."""
    if api.content.get_state(document) not in ISSUED_STATES or not document.symbol:
        raise InvalidDataError(
            _(
                "error_edxml_not_issued",
                default="Only an issued document has an edXML message: issue it "
                "first.",
            )
        )
    if business and business not in BUSINESS:
        raise InvalidDataError(
            _(
                "error_edxml_business",
                default="business must be one of update, revocation, replacement "
                "(or left out for the document as issued).",
            ),
            field="business",
        )


class EdXMLGet(Service):
    def render(self):
        request, response = self.request, self.request.response
        business = request.form.get("business")
        check_exportable(self.context, business)
        data = export_message(
            self.context,
            BUSINESS.get(business),
            reason=request.form.get("reason", ""),
        )
        response.setHeader("Content-Type", "application/xml; charset=utf-8")
        response.setHeader(
            "Content-Disposition",
            f'attachment; filename="{self.context.getId()}.edxml"',
        )
        return data
