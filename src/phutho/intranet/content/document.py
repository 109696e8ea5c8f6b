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


class InvalidNumberSymbol(ValidationError):
    __doc__ = _(
        "error_number_symbol",
        default="Write the number and symbol as on the document, "
        "e.g. 15/QĐ-UBND or 05/UBND-VX.",
    )


NUMBER_SYMBOL_RE = re.compile(
    r"^\s*(?P<number>[0-9]+[a-zA-Z]?)\s*/\s*(?P<notation>\S.*?)\s*$"
)


def split_number_symbol(value):
    """Split ``"15/QĐ-UBND"`` into ``("15", "QĐ-UBND")``.

    Returns ``(None, None)`` when ``value`` has no ``number/notation`` form;
    some documents (e.g. invitations without a number) have none.
    """
    match = NUMBER_SYMBOL_RE.match(value or "")
    if not match:
        return None, None
    return match.group("number"), match.group("notation")


def number_symbol_constraint(value):
    number, notation = split_number_symbol(value)
    if number is None:
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
