"""Create documents through the agency: ``POST /<agency>`` with ``@type``.

Clients never need to know the year/month folders: the document is filed
where :func:`phutho.intranet.content.storage.container_for` says, and the
response's ``@id`` is its real URL. Incoming documents repeating a
registered one (same number, symbol and issuing agency) are refused with
409 unless the body says ``"allow_duplicate": true``.
"""

from phutho.intranet import _
from phutho.intranet.content.duplicates import check_duplicates
from phutho.intranet.content.storage import container_for
from phutho.intranet.content.storage import STORED_TYPES
from phutho.intranet.exc import ForbiddenError
from phutho.intranet.exc import InvalidDataError
from plone.restapi.deserializer import json_body
from plone.restapi.services.content.add import FolderPost
from Products.CMFCore.utils import getToolByName


class AgencyPost(FolderPost):
    """plone.restapi's content POST, filing stored types by period."""

    def reply(self):
        data = json_body(self.request)
        portal_type = data.get("@type")
        if not isinstance(portal_type, str):
            raise InvalidDataError(
                _(
                    "error_type_required",
                    default="Send the type of what to create in '@type', e.g. "
                    '"IncomingDocument".',
                ),
                field="@type",
            )
        if portal_type not in STORED_TYPES:
            return super().reply()
        agency = self.context
        type_info = getToolByName(agency, "portal_types").getTypeInfo(portal_type)
        if type_info is None or not type_info.isConstructionAllowed(agency):
            raise ForbiddenError(
                _("error_cannot_create", default="You may not create this here.")
            )
        if portal_type == "IncomingDocument":
            check_duplicates(
                agency,
                data.get("number_symbol"),
                data.get("sender_organ_id"),
                data.get("sender_name"),
                allow_duplicate=data.get("allow_duplicate"),
            )
        self.context = container_for(agency, portal_type)
        return super().reply()
