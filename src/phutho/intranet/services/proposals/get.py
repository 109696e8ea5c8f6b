"""``GET <document>/@proposals``: the fields read from the document's file
(its text layer, or its OCR once done) and, for mail, from the mail.

Answers ``{"@id", "fields": {"sender_name", "number_symbol",
"document_date", "document_type", "title", "signer_authority",
"signer_position", "signer_name", "recipients", "place", ...},
"source": "text" | "ocr" | "mail" | null, "ocr": {"state", "reason",
"pages"} | null}``. Proposals only: nothing is saved.
"""

from phutho.intranet.extraction.api import proposals_for
from plone.restapi.serializer.converters import json_compatible
from plone.restapi.services import Service


class ProposalsGet(Service):
    def reply(self):
        result = proposals_for(self.context)
        result["@id"] = f"{self.context.absolute_url()}/@proposals"
        return json_compatible(result)
