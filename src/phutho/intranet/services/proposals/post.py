"""``POST <agency>/@proposals``: read a file before the document exists.

Body: ``{"file": {"data": "<base64>", "filename": "cv.pdf",
"content-type": "application/pdf"}}`` (plone.restapi's file form).
Answers ``{"fields": {...}, "source": "text" | null, "ocr_needed": bool}``:
a scan (image, or PDF without a useful text layer) is not read here —
OCR runs in the background once the document is saved
(``ocr_needed``: true). Refusals: 400 (no file, bad base64), 413 (over the
OCR file size limit).
"""

from phutho.intranet import _
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.extraction.api import proposals_from_upload
from phutho.intranet.ocr.settings import setting
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service

import base64
import binascii


class FileTooLarge(InvalidDataError):
    status = 413
    error_type = "TooLarge"


class ProposalsPost(Service):
    def reply(self):
        body = json_body(self.request)
        upload = body.get("file") if isinstance(body, dict) else None
        if not isinstance(upload, dict) or not isinstance(upload.get("data"), str):
            raise InvalidDataError(
                _(
                    "error_proposals_file",
                    default='Send the file as {"file": {"data": "<base64>", '
                    '"filename": "...", "content-type": "..."}}.',
                ),
                field="file",
            )
        limit = setting("ocr_max_file_mb", 100) * 1024 * 1024
        if len(upload["data"]) * 3 // 4 > limit:
            raise FileTooLarge(
                _(
                    "error_proposals_too_large",
                    default="The file is larger than ${limit} MB.",
                    mapping={"limit": limit // 1024 // 1024},
                ),
                field="file",
            )
        try:
            data = base64.b64decode(upload["data"], validate=True)
        except (binascii.Error, ValueError):
            raise InvalidDataError(
                _("error_proposals_base64", default="The file data is not base64."),
                field="file",
            )
        return proposals_from_upload(
            data,
            str(upload.get("filename") or ""),
            str(upload.get("content-type") or ""),
        )
