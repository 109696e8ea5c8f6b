"""Date-times of documents arrive as the province's local time.

Documents store naive date-times meaning Asia/Ho_Chi_Minh (what a clerk
types in a form). plone.restapi would turn ``2026-11-25T06:30+07:00`` into
naive UTC (23:30 the day before): the wrong day in the register, and on
31 December the wrong year's number series. Here an offset is converted
to local time; a value without one is taken as local already.
"""

from phutho.intranet.content.document import IOfficialDocument
from phutho.intranet.dates import TIMEZONE
from plone.restapi.deserializer.dxfields import DefaultFieldDeserializer
from plone.restapi.interfaces import IFieldDeserializer
from zope.component import adapter
from zope.interface import implementer
from zope.publisher.interfaces.browser import IBrowserRequest
from zope.schema.interfaces import IDatetime

import dateutil.parser


@implementer(IFieldDeserializer)
@adapter(IDatetime, IOfficialDocument, IBrowserRequest)
class LocalDatetimeDeserializer(DefaultFieldDeserializer):
    def __call__(self, value):
        if value is None:
            self.field.validate(value)
            return None
        try:
            parsed = dateutil.parser.isoparse(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValueError(f"Invalid date and time: {value}")
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(TIMEZONE).replace(tzinfo=None)
        self.field.validate(parsed)
        return parsed
