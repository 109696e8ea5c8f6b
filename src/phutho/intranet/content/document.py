"""Fields and rules shared by incoming and outgoing official documents."""

from phutho.intranet import _
from phutho.intranet.content.fields import Count
from phutho.intranet.content.fields import PlainText
from phutho.intranet.content.fields import PlainTextLine
from plone.supermodel import model
from zope import schema
from zope.interface import Invalid
from zope.schema import ValidationError

import re

# zcml id of "phutho.intranet: Modify registration data"; the workflows
# grant it only while a document is not yet registered (or issued).
REGISTRATION_PERMISSION = "phutho.intranet.ModifyRegistrationData"

# zcml id of "phutho.intranet: Modify document content": an outgoing
# document's text and recipients, editable until it is signed.
CONTENT_PERMISSION = "phutho.intranet.ModifyDocumentContent"

SUBJECT_MAX_LENGTH = 500  # Appendix VI: Subject (trích yếu) ≤ 500 characters


class IOfficialDocument(model.Schema):
    """What every official document has (Decree 30/2020, Appendix VI)."""

    title = PlainTextLine(
        title=_("label_subject", default="Subject (trích yếu)"),
        max_length=SUBJECT_MAX_LENGTH,
    )
    description = PlainText(
        title=_("label_summary", default="Summary"),
        required=False,
    )
    document_type = schema.Choice(
        title=_("label_document_type", default="Document type"),
        vocabulary="phutho.intranet.DocumentTypes",
    )
    secrecy = schema.Choice(
        title=_("label_secrecy", default="Secrecy (độ mật)"),
        vocabulary="phutho.intranet.Secrecy",
        default="normal",
    )
    urgency = schema.Choice(
        title=_("label_urgency", default="Urgency (độ khẩn)"),
        vocabulary="phutho.intranet.Urgency",
        default="normal",
    )

    model.fieldset(
        "signer",
        label=_("fieldset_signer", default="Signer"),
        fields=["signer_authority", "signer_position", "signer_name"],
    )
    signer_authority = schema.Choice(
        title=_("label_signer_authority", default="Authority prefix"),
        vocabulary="phutho.intranet.SignerAuthorities",
        required=False,
    )
    signer_position = PlainTextLine(
        title=_("label_signer_position", default="Signer's position"),
        required=False,
        max_length=200,
    )
    signer_name = PlainTextLine(
        title=_("label_signer_name", default="Signer's name"),
        required=False,
        max_length=200,
    )
    page_count = Count(
        title=_("label_page_count", default="Number of pages"),
        required=False,
    )
    # Appendix VI: Language (ngôn ngữ) of the document.
    language = schema.Choice(
        title=_("label_language", default="Language"),
        vocabulary="phutho.intranet.Languages",
        default="vi",
        required=False,
        # Plone's own (Dublin Core) language is "" until set: not a choice.
        missing_value="",
    )


class InvalidNumberSymbol(ValidationError):
    __doc__ = _(
        "error_number_symbol",
        default="Write the number and symbol as on the document, "
        "e.g. 15/QĐ-UBND or 05/UBND-VX.",
    )


# ``number/notation``. The number is what edXML's CodeNumber may carry:
# digits, possibly with letters (15a, 74fass22 in an official sample).
NUMBER_SYMBOL_RE = re.compile(
    r"^\s*(?P<number>[0-9A-Za-z]*[0-9][0-9A-Za-z]*)\s*/\s*(?P<notation>\S.*?)\s*$"
)
# A document without a number (edXML: no CodeNumber) is known by its
# notation alone, written as one: a letter first, no spaces, no "/".
NOTATION_ONLY_RE = re.compile(r"^\s*(?P<notation>[^\W\d_][^\s/]*)\s*$")


def split_number_symbol(value):
    """Split ``"15/QĐ-UBND"`` into ``("15", "QĐ-UBND")``.

    A notation alone (``"VPCP-KSTT"``: a document without a number) gives
    ``(None, "VPCP-KSTT")``; a value of neither form ``(None, None)``.
    """
    match = NUMBER_SYMBOL_RE.match(value or "")
    if match:
        return match.group("number"), match.group("notation")
    match = NOTATION_ONLY_RE.match(value or "")
    if match:
        return None, match.group("notation")
    return None, None


def number_symbol_constraint(value):
    """``number/notation``, or the notation alone for a document without a
    number (see :func:`split_number_symbol`)."""
    number, notation = split_number_symbol(value)
    if notation is None:
        raise InvalidNumberSymbol(value)
    return True


def check_date_order(earlier, later, message):
    """Raise ``Invalid(message)`` when ``later`` is before ``earlier``.

    Either side may be a date or a datetime; missing values pass, so that
    partial updates (PATCH) only check what they send.
    """
    if earlier is None or later is None:
        return
    if hasattr(earlier, "date"):
        earlier = earlier.date()
    if hasattr(later, "date"):
        later = later.date()
    if later < earlier:
        raise Invalid(message)
