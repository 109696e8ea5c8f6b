"""``GET <document>/@reading``: OCR and signatures of the document's files.

Answers ``{"@id", "signature_status": "valid" | "invalid" | "pending" |
"", "files": [{"field", "filename", "ocr": {"state", "reason", "pages",
"searchable_url"} | null, "signatures": {"state", "reason", "status",
"items": [{"signer", "organisation", "signing_time", "intact", "modified",
"trusted", "valid_at_signing_time", "revocation", "status", "problems"}]}
| null}]}``.
"""

from phutho.intranet.jobs.indexers import document_signature_status
from phutho.intranet.jobs.readings import file_readings
from plone.restapi.serializer.converters import json_compatible
from plone.restapi.services import Service


class ReadingGet(Service):
    def reply(self):
        return json_compatible(
            {
                "@id": f"{self.context.absolute_url()}/@reading",
                "signature_status": document_signature_status(self.context),
                "files": file_readings(self.context),
            }
        )
