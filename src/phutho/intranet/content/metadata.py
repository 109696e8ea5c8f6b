"""Electronic metadata of Decree 30/2020, Appendix VI (part II), as behaviors.

What documents exchanged with other systems carry beyond the fields a
clerk types for a paper document: the document's exchange identifier, the
type codes, the signer's competence as written, the sender's contact
details and the result of the check of its digital signature. Kept in
behaviors so that the document schemas stay what a clerk fills in; the
exchange package (:mod:`phutho.intranet.exchange.mapping`) maps edXML to
these fields and back.
"""

from phutho.intranet import _
from phutho.intranet.content.document import REGISTRATION_PERMISSION
from phutho.intranet.content.fields import BoundedList
from phutho.intranet.content.fields import CONTENT_MAX_LENGTH
from phutho.intranet.content.fields import Count
from phutho.intranet.content.fields import DocumentDate
from phutho.intranet.content.fields import PlainText
from phutho.intranet.content.fields import PlainTextLine
from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.namedfile.field import NamedBlobFile
from plone.supermodel import model
from zope import schema
from zope.interface import provider

SIGNATURE_STATES = ("valid", "invalid", "unsigned")
# Codes of DocumentType/Type, TypeDetail and SteeringType: small numbers of
# code tables the standard leaves open (the samples use 0-2).
CODE_MAX = 999
# Lengths as QCVN 102:2016 allows them (the reader holds messages to them,
# so that what is imported can be edited and saved again).
NAME_MAX_LENGTH = 500
SHORT_MAX_LENGTH = 100
DOCUMENT_ID_MAX_LENGTH = 255
MAX_APPENDIXES = 100

COMMON_FIELDS = (
    "document_id",
    "type_code",
    "type_detail",
    "signer_competence",
    "steering_type",
    "sphere_of_promulgation",
    "typer_notation",
    "promulgation_amount",
    "appendixes",
    "direction",
)


@provider(IFormFieldProvider)
class IElectronicMetadata(model.Schema):
    """Appendix VI metadata of incoming and outgoing documents."""

    model.fieldset(
        "electronic",
        label=_("fieldset_electronic_metadata", default="Electronic metadata"),
        fields=list(COMMON_FIELDS),
    )
    directives.mode(document_id="display")
    document_id = PlainTextLine(
        title=_("label_document_id", default="Exchange identifier (DocumentId)"),
        description=_(
            "help_document_id",
            default="OrganId,yyyy/MM/dd,number/symbol: set when an outgoing "
            "document is issued, or as received.",
        ),
        required=False,
        readonly=True,
        max_length=DOCUMENT_ID_MAX_LENGTH,
    )
    type_code = Count(
        title=_("label_type_code", default="Type code (DocumentType/Type)"),
        required=False,
        minimum=0,
        maximum=CODE_MAX,
    )
    type_detail = Count(
        title=_("label_type_detail", default="Type detail (DocumentType/TypeDetail)"),
        required=False,
        minimum=0,
        maximum=CODE_MAX,
    )
    signer_competence = PlainTextLine(
        title=_("label_signer_competence", default="Signer's competence as written"),
        description=_("help_signer_competence", default="e.g. TL. BỘ TRƯỞNG"),
        required=False,
        max_length=200,
    )
    steering_type = Count(
        title=_("label_steering_type", default="Steering type (SteeringType)"),
        description=_(
            "help_steering_type",
            default="0 none, 1 a directive, 2 a report on a directive.",
        ),
        required=False,
        minimum=0,
        maximum=CODE_MAX,
    )
    sphere_of_promulgation = PlainTextLine(
        title=_("label_sphere", default="Sphere of promulgation"),
        required=False,
        max_length=NAME_MAX_LENGTH,
    )
    typer_notation = PlainTextLine(
        title=_("label_typer_notation", default="Typist's initials"),
        required=False,
        max_length=SHORT_MAX_LENGTH,
    )
    promulgation_amount = Count(
        title=_("label_promulgation_amount", default="Copies issued"),
        required=False,
        minimum=0,
    )
    appendixes = BoundedList(
        title=_("label_appendixes", default="Appendixes (phụ lục)"),
        value_type=PlainTextLine(max_length=NAME_MAX_LENGTH),
        required=False,
        default=[],
        max_length=MAX_APPENDIXES,
    )
    direction = schema.Bool(
        title=_("label_exchange_direction", default="Direction (OtherInfo/Direction)"),
        required=False,
    )


INCOMING_FIELDS = (
    "content",
    "promulgation_place",
    "due_date",
    "sender_organization_in_charge",
    "sender_address",
    "sender_email",
    "sender_phone",
    "sender_fax",
    "sender_website",
    "sender_staff",
    "sender_staff_department",
    "sender_staff_email",
    "sender_staff_mobile",
    "response_for",
)
SIGNATURE_FIELDS = (
    "signature_status",
    "signature_reason",
    "signature_signer",
    "signature_issuer",
    "signature_valid_from",
    "signature_valid_until",
    "signature_trusted",
    "original_message",
)


@provider(IFormFieldProvider)
class IIncomingElectronicMetadata(model.Schema):
    """What an incoming document received electronically adds: the sender's
    contact details, its clerk, the content, and the signature check."""

    directives.write_permission(
        **{name: REGISTRATION_PERMISSION for name in INCOMING_FIELDS}
    )
    model.fieldset(
        "sender",
        label=_("fieldset_sender", default="Sender"),
        fields=list(INCOMING_FIELDS),
    )
    content = PlainText(
        title=_("label_content", default="Content"),
        required=False,
        max_length=CONTENT_MAX_LENGTH,
    )
    promulgation_place = PlainTextLine(
        title=_("label_promulgation_place", default="Place of issue"),
        required=False,
        max_length=200,
    )
    due_date = DocumentDate(
        title=_("label_due_date", default="Reply requested by (DueDate)"),
        required=False,
    )
    sender_organization_in_charge = PlainTextLine(
        title=_("label_organization_in_charge", default="Governing body"),
        required=False,
        max_length=NAME_MAX_LENGTH,
    )
    sender_address = PlainTextLine(
        title=_("label_sender_address", default="Sender's address"),
        required=False,
        max_length=NAME_MAX_LENGTH,
    )
    sender_email = PlainTextLine(
        title=_("label_sender_email", default="Sender's e-mail"),
        required=False,
        max_length=NAME_MAX_LENGTH,
    )
    sender_phone = PlainTextLine(
        title=_("label_sender_phone", default="Sender's phone"),
        required=False,
        max_length=SHORT_MAX_LENGTH,
    )
    sender_fax = PlainTextLine(
        title=_("label_sender_fax", default="Sender's fax"),
        required=False,
        max_length=SHORT_MAX_LENGTH,
    )
    sender_website = PlainTextLine(
        title=_("label_sender_website", default="Sender's website"),
        required=False,
        max_length=NAME_MAX_LENGTH,
    )
    sender_staff = PlainTextLine(
        title=_("label_sender_staff", default="Sender's clerk"),
        required=False,
        max_length=NAME_MAX_LENGTH,
    )
    sender_staff_department = PlainTextLine(
        title=_("label_sender_staff_department", default="Sender's clerk: unit"),
        required=False,
        max_length=NAME_MAX_LENGTH,
    )
    sender_staff_email = PlainTextLine(
        title=_("label_sender_staff_email", default="Sender's clerk: e-mail"),
        required=False,
        max_length=NAME_MAX_LENGTH,
    )
    sender_staff_mobile = PlainTextLine(
        title=_("label_sender_staff_mobile", default="Sender's clerk: mobile"),
        required=False,
        max_length=SHORT_MAX_LENGTH,
    )
    response_for = BoundedList(
        title=_("label_response_for", default="In answer to (DocumentId)"),
        description=_(
            "help_response_for",
            default="The documents this one answers, as the sender names them; "
            "those of this agency are also linked as related documents.",
        ),
        value_type=PlainTextLine(max_length=DOCUMENT_ID_MAX_LENGTH),
        required=False,
        default=[],
        max_length=MAX_APPENDIXES,
    )

    model.fieldset(
        "signature",
        label=_("fieldset_signature", default="Digital signature"),
        fields=list(SIGNATURE_FIELDS),
    )
    directives.mode(
        **{name: "display" for name in SIGNATURE_FIELDS if name != "original_message"}
    )
    signature_status = schema.Choice(
        title=_("label_signature_status", default="Signature"),
        values=SIGNATURE_STATES,
        required=False,
        readonly=True,
    )
    signature_reason = schema.TextLine(
        title=_("label_signature_reason", default="Signature check"),
        required=False,
        readonly=True,
    )
    signature_signer = schema.TextLine(
        title=_("label_signature_signer", default="Signed by"),
        required=False,
        readonly=True,
    )
    signature_issuer = schema.TextLine(
        title=_("label_signature_issuer", default="Certificate issued by"),
        required=False,
        readonly=True,
    )
    signature_valid_from = schema.Datetime(
        title=_("label_signature_valid_from", default="Certificate valid from"),
        required=False,
        readonly=True,
    )
    signature_valid_until = schema.Datetime(
        title=_("label_signature_valid_until", default="Certificate valid until"),
        required=False,
        readonly=True,
    )
    signature_trusted = schema.Bool(
        title=_(
            "label_signature_trusted",
            default="Certificate chains to a trusted CA",
        ),
        description=_(
            "help_signature_trusted",
            default="Empty when no trusted CA is configured.",
        ),
        required=False,
        readonly=True,
    )
    directives.omitted("original_message")
    original_message = NamedBlobFile(
        title=_("label_original_message", default="Message as received (edXML)"),
        required=False,
        readonly=True,
    )


@provider(IFormFieldProvider)
class IAgencyExchangeMetadata(model.Schema):
    """What an agency's exchange messages say of it besides name, code and
    contacts."""

    model.fieldset(
        "exchange",
        label=_("fieldset_exchange", default="Document exchange"),
        fields=["place", "organization_in_charge", "fax"],
    )
    place = PlainTextLine(
        title=_("label_place", default="Place name on documents"),
        description=_(
            "help_place",
            default="Written before the date, e.g. Phú Thọ (PromulgationInfo/Place).",
        ),
        required=False,
        max_length=200,
    )
    organization_in_charge = PlainTextLine(
        title=_("label_organization_in_charge", default="Governing body"),
        description=_("help_organization_in_charge", default="e.g. UBND tỉnh Phú Thọ"),
        required=False,
        max_length=NAME_MAX_LENGTH,
    )
    fax = PlainTextLine(
        title=_("label_fax", default="Fax"),
        required=False,
        max_length=SHORT_MAX_LENGTH,
    )
