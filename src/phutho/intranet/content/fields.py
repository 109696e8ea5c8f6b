"""Schema fields with the bounds of an official document.

The add and edit forms and the REST API validate against the schema, so
the limits live here, once: text without control characters and of a
sensible length, dates between 1945 and 2100, counts that are counts, and
files whose content is what they say they are. Each refusal says what to
send instead.
"""

from phutho.intranet import _
from phutho.intranet.dates import DATE_MAX
from phutho.intranet.dates import DATE_MIN
from phutho.intranet.dates import DATETIME_MAX
from phutho.intranet.dates import DATETIME_MIN
from phutho.intranet.dates import format_date
from phutho.intranet.text import forbidden_characters
from plone.namedfile.field import NamedBlobFile
from zope import schema
from zope.schema import ValidationError

import zipfile

# Default lengths: a line is a name, a title, a position; a text is a
# summary or a note. Fields that need more say so.
LINE_MAX_LENGTH = 500
TEXT_MAX_LENGTH = 10000
# Recipients listed on one document (nơi nhận): a province has some 180
# agencies; a list beyond that is pasted by mistake.
MAX_RECIPIENTS = 500
# The text of an outgoing draft: a long report, not a book.
CONTENT_MAX_LENGTH = 200000
# A document has pages and copies in the hundreds; millions are typing errors.
COUNT_MAX = 100000


class ForbiddenCharacters(ValidationError):
    __doc__ = _(
        "error_forbidden_characters",
        default="Contains characters that are not allowed in a document's text "
        "(control characters, direction overrides or broken characters).",
    )


class TooLong(ValidationError):
    def __init__(self, value=None, max_length=None):
        super().__init__(value)
        self.max_length = max_length

    def doc(self):
        return _(
            "error_too_long",
            default="Too long: at most ${max} characters.",
            mapping={"max": self.max_length},
        )


class TooManyItems(ValidationError):
    def __init__(self, value=None, max_length=None):
        super().__init__(value)
        self.max_length = max_length

    def doc(self):
        return _(
            "error_too_many_items",
            default="Too many items: at most ${max}.",
            mapping={"max": self.max_length},
        )


class DateOutOfRange(ValidationError):
    def doc(self):
        return _(
            "error_date_range",
            default="Write a date between ${min} and ${max}.",
            mapping={"min": format_date(DATE_MIN), "max": format_date(DATE_MAX)},
        )


class CountOutOfRange(ValidationError):
    def __init__(self, value=None, minimum=None, maximum=None):
        super().__init__(value)
        self.minimum, self.maximum = minimum, maximum

    def doc(self):
        return _(
            "error_count_range",
            default="Write a whole number from ${min} to ${max}.",
            mapping={"min": self.minimum, "max": self.maximum},
        )


class _PlainTextMixin:
    def _validate(self, value):
        if self.max_length is not None and len(value) > self.max_length:
            raise TooLong(value, self.max_length).with_field_and_value(self, value)
        super()._validate(value)
        if forbidden_characters(value):
            raise ForbiddenCharacters(value).with_field_and_value(self, value)


class PlainTextLine(_PlainTextMixin, schema.TextLine):
    """One line of text, at most :data:`LINE_MAX_LENGTH` characters by
    default, without control characters."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", LINE_MAX_LENGTH)
        super().__init__(*args, **kwargs)


class PlainText(_PlainTextMixin, schema.Text):
    """Text of several lines, at most :data:`TEXT_MAX_LENGTH` characters by
    default, without control characters (tabs and line breaks are fine)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", TEXT_MAX_LENGTH)
        super().__init__(*args, **kwargs)


class BoundedList(schema.List):
    """A list with a number of items that is checked with a clear message."""

    def _validate(self, value):
        if self.max_length is not None and len(value) > self.max_length:
            raise TooManyItems(value, self.max_length).with_field_and_value(self, value)
        super()._validate(value)


class DocumentDate(schema.Date):
    """A date between 1945 and 2100 (:data:`DATE_MIN`, :data:`DATE_MAX`)."""

    def _validate(self, value):
        super()._validate(value)
        if not DATE_MIN <= value <= DATE_MAX:
            raise DateOutOfRange(value).with_field_and_value(self, value)


class DocumentDatetime(schema.Datetime):
    """A naive local date-time between 1945 and 2100."""

    def _validate(self, value):
        super()._validate(value)
        naive = value.replace(tzinfo=None)
        if not DATETIME_MIN <= naive <= DATETIME_MAX:
            raise DateOutOfRange(value).with_field_and_value(self, value)


class Count(schema.Int):
    """A whole number of pages, copies…: 1 to :data:`COUNT_MAX` by default."""

    def __init__(self, *args, **kwargs):
        self.minimum = kwargs.pop("minimum", 1)
        self.maximum = kwargs.pop("maximum", COUNT_MAX)
        super().__init__(*args, **kwargs)

    def _validate(self, value):
        if isinstance(value, bool):
            raise CountOutOfRange(
                value, self.minimum, self.maximum
            ).with_field_and_value(self, value)
        super()._validate(value)
        if not self.minimum <= value <= self.maximum:
            raise CountOutOfRange(
                value, self.minimum, self.maximum
            ).with_field_and_value(self, value)


# -- files -------------------------------------------------------------------


class FileContentMismatch(ValidationError):
    __doc__ = _(
        "error_file_content",
        default="The file's content is not what its type or name says (a PDF "
        "must be a whole PDF, a DOCX or ODT a valid document). Upload the "
        "original file again.",
    )


class EmptyFile(ValidationError):
    __doc__ = _("error_empty_file", default="The file is empty.")


# What a file's first bytes must be, by what it claims to be (its type or
# its name's extension). Office documents are ZIP packages with a known
# member. Other types are stored as given: they are never opened here,
# and pages serve files as downloads with nosniff.
PDF_TYPES = ("application/pdf",)
OOXML_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
)
ODF_TYPES = (
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
)
EXTENSIONS = {
    ".pdf": "pdf",
    ".docx": "ooxml",
    ".xlsx": "ooxml",
    ".pptx": "ooxml",
    ".odt": "odf",
    ".ods": "odf",
    ".odp": "odf",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
}
TYPES = {
    **dict.fromkeys(PDF_TYPES, "pdf"),
    **dict.fromkeys(OOXML_TYPES, "ooxml"),
    **dict.fromkeys(ODF_TYPES, "odf"),
    "image/png": "png",
    "image/jpeg": "jpeg",
}


def claimed_kind(filename, content_type):
    """What a file says it is: ``pdf``, ``ooxml``, ``odf``, ``png``,
    ``jpeg`` or None (anything else)."""
    kind = TYPES.get((content_type or "").split(";")[0].strip().lower())
    if kind is None and filename:
        name = filename.lower()
        for extension, candidate in EXTENSIONS.items():
            if name.endswith(extension):
                return candidate
    return kind


def content_matches(kind, head, tail, open_zip):
    """True when a file's content fits the ``kind`` it claims.

    ``head`` and ``tail`` are its first and last bytes (a PDF that stops
    before ``%%EOF`` is truncated); ``open_zip()`` opens it as a ZIP.
    """
    if kind == "pdf":
        return head.startswith(b"%PDF-") and b"%%EOF" in tail
    if kind == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if kind in ("ooxml", "odf"):
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with open_zip() as package:
                names = set(package.namelist())
                if kind == "ooxml":
                    return "[Content_Types].xml" in names
                return "mimetype" in names and package.read("mimetype").startswith(
                    b"application/vnd.oasis.opendocument"
                )
        except (zipfile.BadZipFile, OSError, KeyError, EOFError):
            return False
    return True


def check_file(value):
    """Refuse an empty file, or one whose content is not what it claims."""
    size = value.getSize()
    if not size:
        raise EmptyFile(value)
    kind = claimed_kind(value.filename, value.contentType)
    if kind is None:
        return True
    with value.open() as stream:
        head = stream.read(8)
        stream.seek(max(0, size - 2048))
        tail = stream.read()

    def open_zip():
        return zipfile.ZipFile(value.open())

    if not content_matches(kind, head, tail, open_zip):
        raise FileContentMismatch(value)
    return True


class DocumentFile(NamedBlobFile):
    """A file of a document, checked against what it claims to be."""

    def _validate(self, value):
        super()._validate(value)
        check_file(value)
