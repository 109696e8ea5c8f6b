"""``GET <outgoing document>/@edxml``: the edXML message of an issued
document (``application/xml``), signed when a key is configured.

``?business=update|revocation|replacement`` (and ``reason=``) gives the
message of that action instead of the document as issued; a document
that is not issued yet answers 400.
"""

from phutho.intranet.exchange.api import export_message
from phutho.intranet.exchange.model import REPLACEMENT
from phutho.intranet.exchange.model import REVOCATION
from phutho.intranet.exchange.model import UPDATE
from plone import api
from plone.restapi.services import Service

BUSINESS = {"update": UPDATE, "revocation": REVOCATION, "replacement": REPLACEMENT}
ISSUED_STATES = ("issued", "recalled", "replaced")


class EdXMLGet(Service):
    def render(self):
        request, response = self.request, self.request.response
        document = self.context
        business = request.form.get("business")
        if api.content.get_state(document) not in ISSUED_STATES or not document.symbol:
            return self._error("Only an issued document has an edXML message.")
        if business and business not in BUSINESS:
            return self._error(
                "business must be one of update, revocation, replacement.", "business"
            )
        data = export_message(
            document, BUSINESS.get(business), reason=request.form.get("reason", "")
        )
        response.setHeader("Content-Type", "application/xml; charset=utf-8")
        response.setHeader(
            "Content-Disposition", f'attachment; filename="{document.getId()}.edxml"'
        )
        return data

    def _error(self, message, field=None):
        import json

        self.request.response.setStatus(400)
        self.request.response.setHeader("Content-Type", "application/json")
        body = {"error": {"type": "BadRequest", "message": message}}
        if field:
            body["error"]["field"] = field
        return json.dumps(body)
