"""``PATCH /<document>``: plone.restapi's edit, saying no out loud.

plone.restapi silently skips fields the user may not write. Where the
user may still edit the document but not some of its fields (the content
of a signed document, whose signed file a clerk still attaches; the
registration data where a state keeps them locked) that would look like
success while nothing changed, so the request is refused with 403, naming
the fields and, when they can be, how to correct them. Where the workflow
allows no edit at all (a registered incoming document) the service's own
permission answers first: 401.
"""

from AccessControl import getSecurityManager
from phutho.intranet import _
from phutho.intranet import permissions
from phutho.intranet.exc import ForbiddenError
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.workflow.correction import correctable_fields
from plone import api
from plone.autoform.interfaces import WRITE_PERMISSIONS_KEY
from plone.dexterity.utils import iterSchemata
from plone.restapi.deserializer import json_body
from plone.restapi.services.content.update import ContentPatch
from plone.supermodel.utils import mergedTaggedValueDict
from zope.component import queryUtility
from zope.security.interfaces import IPermission


def locked_fields(context, names):
    """Those of ``names`` whose write permission the user lacks here."""
    security = getSecurityManager()
    locked = []
    for schema in iterSchemata(context):
        permissions = mergedTaggedValueDict(schema, WRITE_PERMISSIONS_KEY)
        for name in names:
            permission_id = permissions.get(name)
            if not permission_id or name in locked:
                continue
            permission = queryUtility(IPermission, name=permission_id)
            if permission is not None and not security.checkPermission(
                permission.title, context
            ):
                locked.append(name)
    return sorted(locked)


class DocumentPatch(ContentPatch):
    def reply(self):
        body = json_body(self.request)
        if not isinstance(body, dict):
            raise InvalidDataError(
                _(
                    "error_body_shape",
                    default="The request body must be one JSON object.",
                )
            )
        locked = locked_fields(self.context, list(body))
        if not locked:
            return super().reply()
        if set(locked) <= set(
            correctable_fields(self.context)
        ) and api.user.has_permission(
            permissions.CorrectRegistration, obj=self.context
        ):
            message = _(
                "error_registration_locked",
                default="Registration data is read-only at this stage; "
                "clerks correct it through @correct-registration.",
            )
        else:  # e.g. the content of a signed document: stays as signed
            message = _(
                "error_fields_locked",
                default="These fields can no longer be changed at this stage.",
            )
        raise ForbiddenError(message, field=locked[0], fields=locked)
