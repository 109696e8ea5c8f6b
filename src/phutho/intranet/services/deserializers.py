"""JSON in, field values out — refusing what a field cannot hold.

plone.restapi's deserializers trust the shape of what they get: a list sent
for a choice fails deep inside the vocabulary (a 500), a string sent for a
list becomes a list of one, ``true`` passes for the integer 1, a file
``"encoding": "rot13"`` reaches the codec, unknown keys are ignored and
read-only ones skipped in silence. Here each shape is checked first and a
wrong one is refused with an :class:`InvalidDataError` naming the field
(answered 400 by the exception view); the fields' own constraints (sizes,
dates, characters, file contents, see ``content/fields.py``) then apply
as they do in the forms.

Date-times of documents arrive as the province's local time: documents
store naive date-times meaning Asia/Ho_Chi_Minh (what a clerk types in a
form). plone.restapi would turn ``2026-11-25T06:30+07:00`` into naive UTC
(23:30 the day before: the wrong day in the register, and on 31 December
the wrong year's number series). Here an offset is converted to local
time; a value without one is taken as local already.
"""

from phutho.intranet import _
from phutho.intranet.content.annex import IAnnex
from phutho.intranet.content.casefile import ICaseFile
from phutho.intranet.content.document import IOfficialDocument
from phutho.intranet.dates import TIMEZONE
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.interfaces import IPhuthoIntranetLayer
from phutho.intranet.services.refusals import refusal_from_errors
from plone.dexterity.interfaces import IDexterityContent
from plone.dexterity.utils import iterSchemata
from plone.namedfile.interfaces import INamedField
from plone.restapi.deserializer import json_body
from plone.restapi.deserializer.dxcontent import DeserializeFromJson
from plone.restapi.deserializer.dxfields import ChoiceFieldDeserializer
from plone.restapi.deserializer.dxfields import CollectionFieldDeserializer
from plone.restapi.deserializer.dxfields import DefaultFieldDeserializer
from plone.restapi.deserializer.dxfields import NamedFieldDeserializer
from plone.restapi.interfaces import IDeserializeFromJson
from plone.restapi.interfaces import IFieldDeserializer
from zExceptions import BadRequest
from zope.component import adapter
from zope.component import getMultiAdapter
from zope.globalrequest import getRequest
from zope.i18n import translate
from zope.interface import implementer
from zope.schema import getFields
from zope.schema.interfaces import IChoice
from zope.schema.interfaces import ICollection
from zope.schema.interfaces import IDatetime
from zope.schema.interfaces import IField
from zope.schema.interfaces import IInt
from zope.schema.interfaces import IText
from zope.schema.interfaces import ITextLine
from zope.schema.interfaces import IVocabularyTokenized
from zope.schema.interfaces import ValidationError

import base64
import binascii
import dateutil.parser

# Keys a POST or PATCH of our content may carry besides its fields. An
# agency, unit or register may be given its id (its address) when created;
# documents and case files are named by the system.
BODY_KEYS = frozenset({"@type", "allow_duplicate"})
NAMED_BY_SYSTEM = (IOfficialDocument, ICaseFile, IAnnex)


# -- fields ------------------------------------------------------------------


@implementer(IFieldDeserializer)
@adapter(IChoice, IDexterityContent, IPhuthoIntranetLayer)
class StrictChoiceDeserializer(ChoiceFieldDeserializer):
    """A choice takes one token (text), or ``{"token": ...}`` as the API
    answers it: never a list, an object or a number."""

    def __call__(self, value):
        if isinstance(value, dict) and set(value) <= {"token", "title"}:
            value = value.get("token")
        if not isinstance(value, str):
            raise InvalidDataError(
                _(
                    "error_choice_shape",
                    default="${field}: send one value as text (a token of the "
                    "vocabulary), not ${kind}.",
                    mapping={"field": self.field.__name__, "kind": kind_of(value)},
                ),
                field=self.field.__name__,
            )
        vocabulary = self.field.bind(self.context).vocabulary
        if vocabulary is None:
            vocabulary = self.field.vocabulary
        if IVocabularyTokenized.providedBy(vocabulary):
            try:
                value = vocabulary.getTermByToken(value).value
            except LookupError:
                raise InvalidDataError(
                    _(
                        "error_choice_unknown",
                        default="${field}: '${value}' is not one of the choices.",
                        mapping={"field": self.field.__name__, "value": value[:100]},
                    ),
                    field=self.field.__name__,
                )
        self.field.validate(value)
        return value


@implementer(IFieldDeserializer)
@adapter(ICollection, IDexterityContent, IPhuthoIntranetLayer)
class StrictCollectionDeserializer(CollectionFieldDeserializer):
    """A list field takes a JSON array (not a string made a list of one),
    no longer than the field allows, checked before each item is read."""

    def __call__(self, value):
        if not isinstance(value, list):
            raise InvalidDataError(
                _(
                    "error_list_shape",
                    default="${field}: send a list (a JSON array), not ${kind}.",
                    mapping={"field": self.field.__name__, "kind": kind_of(value)},
                ),
                field=self.field.__name__,
            )
        if self.field.max_length is not None and len(value) > self.field.max_length:
            raise InvalidDataError(
                _(
                    "error_list_too_long",
                    default="${field}: at most ${max} items.",
                    mapping={
                        "field": self.field.__name__,
                        "max": self.field.max_length,
                    },
                ),
                field=self.field.__name__,
            )
        items = list(value)
        if IField.providedBy(self.field.value_type):
            deserializer = getMultiAdapter(
                (self.field.value_type, self.context, self.request), IFieldDeserializer
            )
            for number, item in enumerate(items, 1):
                if isinstance(item, dict) and "token" in item:
                    item = item["token"]
                try:
                    items[number - 1] = deserializer(item)
                except (InvalidDataError, ValidationError, ValueError) as error:
                    raise self.item_error(number, error)
        items = self.field._type(items)
        self.field.validate(items)
        return items

    def item_error(self, number, error):
        if isinstance(error, InvalidDataError):
            problem = error.translated(self.request)
        elif isinstance(error, ValidationError):
            problem = translate(error.doc(), context=self.request)
        else:
            problem = str(error)
        return InvalidDataError(
            _(
                "error_list_item",
                default="${field}, item ${number}: ${problem}",
                mapping={
                    "field": self.field.__name__,
                    "number": number,
                    "problem": problem,
                },
            ),
            field=self.field.__name__,
        )


@implementer(IFieldDeserializer)
@adapter(IText, IDexterityContent, IPhuthoIntranetLayer)
class StrictTextDeserializer(DefaultFieldDeserializer):
    """Text is a JSON string (not a number or a list made text); a line
    is stripped as plone.restapi strips it."""

    def __call__(self, value):
        if not isinstance(value, str):
            raise InvalidDataError(
                _(
                    "error_text_shape",
                    default="${field}: send text, not ${kind}.",
                    mapping={"field": self.field.__name__, "kind": kind_of(value)},
                ),
                field=self.field.__name__,
            )
        if ITextLine.providedBy(self.field):
            value = value.strip()
        self.field.validate(value)
        return value


@implementer(IFieldDeserializer)
@adapter(ITextLine, IDexterityContent, IPhuthoIntranetLayer)
class StrictTextLineDeserializer(StrictTextDeserializer):
    """The same for lines, which plone.restapi registers on their own."""


@implementer(IFieldDeserializer)
@adapter(IInt, IDexterityContent, IPhuthoIntranetLayer)
class StrictIntDeserializer(DefaultFieldDeserializer):
    """A whole number, not ``true`` (which Python counts as 1) nor text."""

    def __call__(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidDataError(
                _(
                    "error_int_shape",
                    default="${field}: send a whole number, not ${kind}.",
                    mapping={"field": self.field.__name__, "kind": kind_of(value)},
                ),
                field=self.field.__name__,
            )
        self.field.validate(value)
        return value


@implementer(IFieldDeserializer)
@adapter(INamedField, IDexterityContent, IPhuthoIntranetLayer)
class StrictFileDeserializer(NamedFieldDeserializer):
    """A file is ``{"data": <base64>, "encoding": "base64", "filename",
    "content-type"}``; base64 is the only encoding, decoded strictly. An
    object without ``data`` keeps the stored file (what a GET answered,
    sent back unchanged)."""

    def __call__(self, value):
        name = self.field.__name__
        if not isinstance(value, dict):
            raise InvalidDataError(
                _(
                    "error_file_shape",
                    default='${field}: send a file as {"data": <base64>, '
                    '"encoding": "base64", "filename": ..., "content-type": ...}.',
                    mapping={"field": name},
                ),
                field=name,
            )
        if "data" not in value:
            return getattr(self.context, name, None)
        data = value.get("data")
        filename = value.get("filename")
        content_type = value.get("content-type") or "application/octet-stream"
        encoding = value.get("encoding", "base64")
        if (
            not isinstance(data, str)
            or not isinstance(filename, (str, type(None)))
            or not isinstance(content_type, str)
        ):
            raise InvalidDataError(
                _(
                    "error_file_shape",
                    default='${field}: send a file as {"data": <base64>, '
                    '"encoding": "base64", "filename": ..., "content-type": ...}.',
                    mapping={"field": name},
                ),
                field=name,
            )
        if encoding != "base64":
            raise InvalidDataError(
                _(
                    "error_file_encoding",
                    default='${field}: the only encoding is "base64".',
                    mapping={"field": name},
                ),
                field=name,
            )
        try:
            raw = base64.b64decode(data.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise InvalidDataError(
                _(
                    "error_file_base64",
                    default="${field}: the data is not valid base64.",
                    mapping={"field": name},
                ),
                field=name,
            )
        if not raw:
            raise InvalidDataError(
                _(
                    "error_file_empty",
                    default="${field}: the file is empty.",
                    mapping={"field": name},
                ),
                field=name,
            )
        file_value = self.field._type(
            data=raw, contentType=content_type, filename=filename
        )
        self.field.validate(file_value)
        return file_value


@implementer(IFieldDeserializer)
@adapter(IDatetime, IOfficialDocument, IPhuthoIntranetLayer)
class LocalDatetimeDeserializer(DefaultFieldDeserializer):
    """An ISO date-time; with an offset it is converted to local time."""

    def __call__(self, value):
        if value is None:
            self.field.validate(value)
            return None
        parsed = None
        if isinstance(value, str):
            try:
                parsed = dateutil.parser.isoparse(value)
                if parsed.tzinfo is not None:
                    parsed = parsed.astimezone(TIMEZONE).replace(tzinfo=None)
            except (ValueError, OverflowError):
                parsed = None
        if parsed is None:
            raise InvalidDataError(
                _(
                    "error_datetime_shape",
                    default="${field}: write a date and time as "
                    "YYYY-MM-DDTHH:MM:SS, with an offset (+07:00) or in "
                    "local time.",
                    mapping={"field": self.field.__name__},
                ),
                field=self.field.__name__,
            )
        self.field.validate(parsed)
        return parsed


KINDS = {
    "null": _("kind_null", default="null"),
    "bool": _("kind_bool", default="true/false"),
    "number": _("kind_number", default="a number"),
    "text": _("kind_text", default="text"),
    "list": _("kind_list", default="a list"),
    "object": _("kind_object", default="an object"),
}


def kind_of(value):
    """What a JSON value is, for messages, in the request's language."""
    if value is None:
        kind = "null"
    elif isinstance(value, bool):
        kind = "bool"
    elif isinstance(value, (int, float)):
        kind = "number"
    elif isinstance(value, str):
        kind = "text"
    elif isinstance(value, list):
        kind = "list"
    else:
        kind = "object"
    return translate(KINDS[kind], context=getRequest())


# -- whole bodies --------------------------------------------------------------


@implementer(IDeserializeFromJson)
@adapter(IDexterityContent, IPhuthoIntranetLayer)
class ContentDeserializer(DeserializeFromJson):
    """plone.restapi's deserializer, saying no out loud: keys that are no
    field of the type, and read-only fields, are refused; validation
    errors answer with the first field at fault and the list of all."""

    def __call__(
        self, validate_all=False, data=None, create=False, mask_validation_errors=True
    ):
        if data is None:
            data = json_body(self.request)
        if not isinstance(data, dict):
            raise InvalidDataError(
                _(
                    "error_body_shape",
                    default="The request body must be one JSON object.",
                )
            )
        self.refuse_unknown_keys(data, create)
        try:
            return super().__call__(
                validate_all=validate_all,
                data=data,
                create=create,
                mask_validation_errors=mask_validation_errors,
            )
        except BadRequest as error:
            raise refusal_from_errors(error, self.request) from error

    def refuse_unknown_keys(self, data, create):
        fields = {}
        for schema in iterSchemata(self.context):
            fields.update(getFields(schema))
        allowed = set(BODY_KEYS)
        named_by_system = any(i.providedBy(self.context) for i in NAMED_BY_SYSTEM)
        if create and not named_by_system:
            allowed.add("id")
        readonly = sorted(
            name
            for name in data
            if (name in fields and fields[name].readonly)
            or (name == "id" and name not in allowed)
        )
        unknown = sorted(
            name
            for name in data
            if name not in fields and name not in allowed and name != "id"
        )
        if unknown:
            raise InvalidDataError(
                _(
                    "error_unknown_keys",
                    default="Unknown fields: ${fields}. Send only the fields of "
                    "the type (see docs/api.md).",
                    mapping={"fields": ", ".join(unknown)[:500]},
                ),
                field=unknown[0],
            )
        if readonly:
            raise InvalidDataError(
                _(
                    "error_readonly_keys",
                    default="These fields are set by the system and cannot be "
                    "sent: ${fields}.",
                    mapping={"fields": ", ".join(readonly)},
                ),
                field=readonly[0],
            )
