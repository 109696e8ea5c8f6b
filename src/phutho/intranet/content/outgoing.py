"""Outgoing document (văn bản đi), Decree 30/2020 Art. 10-19.

Number, date and symbol are given by the system when the clerk issues the
document (Art. 15.3); until then they are empty and read-only.
"""

from phutho.intranet import _
from phutho.intranet.content.document import CONTENT_PERMISSION
from phutho.intranet.content.document import IOfficialDocument
from phutho.intranet.content.document import REGISTRATION_PERMISSION
from phutho.intranet.content.fields import BoundedList
from phutho.intranet.content.fields import CONTENT_MAX_LENGTH
from phutho.intranet.content.fields import Count
from phutho.intranet.content.fields import DocumentDate
from phutho.intranet.content.fields import DocumentFile
from phutho.intranet.content.fields import MAX_RECIPIENTS
from phutho.intranet.content.fields import PlainText
from phutho.intranet.content.fields import PlainTextLine
from phutho.intranet.content.validators import EMAIL_RE
from phutho.intranet.content.validators import ORGAN_ID_RE
from plone.app.z3cform.widgets.relateditems import RelatedItemsFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.supermodel import model
from z3c.relationfield.schema import RelationChoice
from z3c.relationfield.schema import RelationList
from zope import schema
from zope.interface import implementer
from zope.schema import ValidationError


class InvalidRecipient(ValidationError):
    __doc__ = _(
        "error_external_recipient",
        default="Write a recipient as 'Name | OrganId | e-mail'; the code and "
        "the e-mail may be left out, e.g. 'Sở Y tế tỉnh Hà Nam | | "
        "vanthu@syt.hanam.gov.vn'.",
    )


def parse_recipient(line):
    """Parse ``"Name | OrganId | e-mail"`` into a dict.

    Returns ``{"name": ..., "organ_id": ..., "email": ...}`` (missing parts
    empty) or raises :class:`InvalidRecipient`.
    """
    parts = [part.strip() for part in (line or "").split("|")]
    if not parts[0] or len(parts) > 3:
        raise InvalidRecipient(line)
    parts += [""] * (3 - len(parts))
    name, organ_id, email = parts
    if organ_id and not ORGAN_ID_RE.match(organ_id):
        raise InvalidRecipient(line)
    if email and not EMAIL_RE.match(email):
        raise InvalidRecipient(line)
    return {"name": name, "organ_id": organ_id, "email": email}


def recipient_constraint(value):
    parse_recipient(value)
    return True


class IOutgoingDocument(IOfficialDocument):
    """Schema of an outgoing document."""

    # Register, type and secrecy decide the number and symbol; what the
    # leader signed must not change after the signature. Only the signed
    # file is still attached afterwards (by the clerk).
    directives.write_permission(
        register=REGISTRATION_PERMISSION,
        document_type=REGISTRATION_PERMISSION,
        secrecy=REGISTRATION_PERMISSION,
        **{
            name: CONTENT_PERMISSION
            for name in (
                "title",
                "description",
                "urgency",
                "signer_authority",
                "signer_position",
                "signer_name",
                "page_count",
                "content",
                "drafting_unit",
                "drafter",
                "internal_recipients",
                "external_recipients",
                "copies",
                "archive_holders",
                "copy_of",
                "reply_deadline",
                "in_reply_to",
                "replaces",
                "draft_file",
            )
        },
    )

    model.fieldset(
        "registration",
        label=_("fieldset_registration", default="Registration"),
        fields=["register", "symbol_field", "number", "issued_date", "symbol"],
    )
    register = schema.Choice(
        title=_("label_outgoing_register", default="Outgoing register (sổ đi)"),
        vocabulary="phutho.intranet.OutgoingRegisters",
        required=False,
    )
    symbol_field = schema.Choice(
        title=_("label_symbol_field", default="Field in the symbol (lĩnh vực)"),
        description=_(
            "help_symbol_field",
            default="For a công văn: the field whose abbreviation follows the "
            "agency's in the symbol (05/UBND-VX); empty: the drafting unit's.",
        ),
        vocabulary="phutho.intranet.Fields",
        required=False,
    )
    directives.mode(number="display", issued_date="display", symbol="display")
    number = schema.Int(
        title=_("label_outgoing_number", default="Number"),
        description=_("help_outgoing_number", default="Given by the system at issue."),
        required=False,
        readonly=True,
    )
    issued_date = DocumentDate(
        title=_("label_issued_date", default="Document date"),
        required=False,
        readonly=True,
    )
    symbol = PlainTextLine(
        title=_("label_symbol", default="Number and symbol"),
        description=_(
            "help_symbol",
            default="Composed at issue, e.g. 15/QĐ-UBND or 05/UBND-VX.",
        ),
        required=False,
        readonly=True,
    )

    content = PlainText(
        title=_("label_content", default="Content"),
        required=False,
        max_length=CONTENT_MAX_LENGTH,
    )
    drafting_unit = schema.Choice(
        title=_("label_drafting_unit", default="Drafting unit"),
        vocabulary="phutho.intranet.Units",
    )
    drafter = schema.Choice(
        title=_("label_drafter", default="Drafter"),
        vocabulary="phutho.intranet.AgencyUsers",
        required=False,
    )

    model.fieldset(
        "recipients",
        label=_("fieldset_recipients", default="Recipients"),
        fields=["internal_recipients", "external_recipients", "copies"],
    )
    internal_recipients = BoundedList(
        title=_("label_internal_recipients", default="Agencies in the portal"),
        value_type=schema.Choice(vocabulary="phutho.intranet.Agencies"),
        required=False,
        default=[],
        max_length=MAX_RECIPIENTS,
    )
    external_recipients = BoundedList(
        title=_("label_external_recipients", default="Other recipients"),
        description=_(
            "help_external_recipients",
            default="One per line: Name | OrganId | e-mail.",
        ),
        value_type=PlainTextLine(constraint=recipient_constraint),
        required=False,
        default=[],
        max_length=MAX_RECIPIENTS,
    )
    copies = Count(
        title=_("label_copies", default="Number of copies"),
        required=False,
    )
    # Appendix IV: Đơn vị, người nhận bản lưu (the document's "Lưu:" line).
    archive_holders = PlainTextLine(
        title=_("label_archive_holders", default="File copies kept by (Lưu)"),
        description=_(
            "help_archive_holders",
            default="Who keeps the file copies, e.g. VT, CNTT. Empty: the "
            "clerks (VT) and the drafting unit.",
        ),
        required=False,
        max_length=200,
    )
    reply_deadline = DocumentDate(
        title=_("label_reply_deadline", default="Reply expected by"),
        required=False,
    )

    directives.widget(
        "in_reply_to",
        RelatedItemsFieldWidget,
        vocabulary="plone.app.vocabularies.Catalog",
        pattern_options={"selectableTypes": ["IncomingDocument"]},
    )
    in_reply_to = RelationList(
        title=_("label_in_reply_to", default="In reply to"),
        value_type=RelationChoice(vocabulary="plone.app.vocabularies.Catalog"),
        required=False,
        default=[],
    )

    directives.widget(
        "copy_of",
        RelatedItemsFieldWidget,
        vocabulary="plone.app.vocabularies.Catalog",
        pattern_options={"selectableTypes": ["IncomingDocument", "OutgoingDocument"]},
    )
    copy_of = RelationChoice(
        title=_("label_copy_of", default="Copy of (bản sao của)"),
        description=_(
            "help_copy_of",
            default="For a copy (sao y, trích sao, sao lục): the document copied.",
        ),
        vocabulary="plone.app.vocabularies.Catalog",
        required=False,
    )

    directives.widget(
        "replaces",
        RelatedItemsFieldWidget,
        vocabulary="plone.app.vocabularies.Catalog",
        pattern_options={"selectableTypes": ["OutgoingDocument"]},
    )
    replaces = RelationChoice(
        title=_("label_replaces", default="Replaces"),
        description=_(
            "help_replaces",
            default="An issued document of this agency that this one corrects; "
            "it is marked as replaced when this one is issued.",
        ),
        vocabulary="plone.app.vocabularies.Catalog",
        required=False,
    )

    model.fieldset(
        "files",
        label=_("fieldset_files", default="Files"),
        fields=["draft_file", "signed_file"],
    )
    draft_file = DocumentFile(
        title=_("label_draft_file", default="Draft"),
        required=False,
    )
    signed_file = DocumentFile(
        title=_("label_signed_file", default="Signed document"),
        required=False,
    )


@implementer(IOutgoingDocument)
class OutgoingDocument(Container):
    """An outgoing document; annexes are File items inside it."""

    number = None
    issued_date = None
    symbol = None

    @property
    def main_file(self):
        """The file recipients get: the signed one once it exists."""
        return self.signed_file or self.draft_file
