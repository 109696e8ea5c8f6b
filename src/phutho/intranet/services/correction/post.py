"""``POST /<document>/@correct-registration``.

Body: ``{"reason": "...", "changes": {"number_symbol": "15/QĐ-UBND", ...}}``
with values in the same JSON form as for creating the document. Answers
201 with the history entry, or 400 naming the field at fault. Who may:
clerks, once the document is registered (the workflow grants the
permission).
"""

from phutho.intranet import _
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.services.refusals import refusal_from_validation
from phutho.intranet.services.utils import json_object
from phutho.intranet.workflow.correction import correct_registration
from phutho.intranet.workflow.correction import correctable_fields
from phutho.intranet.workflow.presentation import describe_entry
from plone.restapi.interfaces import IFieldDeserializer
from plone.restapi.serializer.converters import json_compatible
from plone.restapi.services import Service
from zope.component import queryMultiAdapter
from zope.interface import alsoProvides
from zope.schema.interfaces import ValidationError

import plone.protect.interfaces


class CorrectRegistrationPost(Service):
    def reply(self):
        alsoProvides(self.request, plone.protect.interfaces.IDisableCSRFProtection)
        body = json_object(self.request) or {}
        changes = body.get("changes")
        if not isinstance(changes, dict) or not changes:
            raise InvalidDataError(
                _(
                    "error_correction_changes",
                    default="Send the corrected fields in 'changes'.",
                ),
                field="changes",
            )
        fields = correctable_fields(self.context)
        values = {}
        for name, raw in changes.items():
            field = fields.get(name)
            if field is None:
                raise InvalidDataError(
                    _(
                        "error_not_correctable",
                        default="These cannot be corrected: ${fields}.",
                        mapping={"fields": name},
                    ),
                    field=name,
                )
            deserializer = queryMultiAdapter(
                (field, self.context, self.request), IFieldDeserializer
            )
            try:
                values[name] = deserializer(raw)
            except (ValueError, ValidationError) as error:
                raise refusal_from_validation(field, error, self.request)
        entry = correct_registration(self.context, values, body.get("reason"))
        self.request.response.setStatus(201)
        # The entry as @processing-history shows it.
        return json_compatible(describe_entry(self.context, entry))
