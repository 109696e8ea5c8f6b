"""Create documents through the agency: ``POST /<agency>`` with ``@type``.

Clients never need to know the year/month folders: the document is filed
where :func:`phutho.intranet.content.storage.container_for` says, and the
response's ``@id`` is its real URL. Incoming documents repeating a
registered one (same number, symbol and issuing agency) are refused with
409 unless the body says ``"allow_duplicate": true``.
"""

from phutho.intranet import _
from phutho.intranet.content.duplicates import find_duplicates
from phutho.intranet.content.storage import container_for
from phutho.intranet.content.storage import STORED_TYPES
from plone.restapi.deserializer import json_body
from plone.restapi.services.content.add import FolderPost
from Products.CMFCore.utils import getToolByName
from zope.i18n import translate

import logging

logger = logging.getLogger("phutho.intranet.services")


class AgencyPost(FolderPost):
    """plone.restapi's content POST, filing stored types by period."""

    def reply(self):
        data = json_body(self.request)
        portal_type = data.get("@type")
        if portal_type not in STORED_TYPES:
            return super().reply()
        agency = self.context
        type_info = getToolByName(agency, "portal_types").getTypeInfo(portal_type)
        if type_info is None or not type_info.isConstructionAllowed(agency):
            self.request.response.setStatus(403)
            message = translate(
                _("error_cannot_create", default="You may not create this here."),
                context=self.request,
            )
            return {"error": {"type": "Forbidden", "message": message}}
        if (
            portal_type == "IncomingDocument"
            and data.get("allow_duplicate") is not True
        ):
            duplicates = find_duplicates(
                agency,
                data.get("number_symbol"),
                data.get("sender_organ_id"),
                data.get("sender_name"),
            )
            if duplicates:
                message = translate(
                    _(
                        "error_duplicate_incoming",
                        default="This document (${number_symbol}) from this agency "
                        "is already registered. Send allow_duplicate: true to "
                        "register it again.",
                        mapping={"number_symbol": data.get("number_symbol")},
                    ),
                    context=self.request,
                )
                logger.warning(
                    "Refused duplicate incoming %r from %r in %s",
                    data.get("number_symbol"),
                    data.get("sender_organ_id") or data.get("sender_name"),
                    agency.absolute_url(1),
                )
                self.request.response.setStatus(409)
                return {
                    "error": {
                        "type": "Duplicate",
                        "message": message,
                        "duplicates": [b.getURL() for b in duplicates],
                    }
                }
        self.context = container_for(agency, portal_type)
        return super().reply()
