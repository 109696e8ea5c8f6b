"""Incoming document (văn bản đến), Decree 30/2020 Art. 20-24."""

from phutho.intranet import _
from phutho.intranet.content.document import check_date_order
from phutho.intranet.content.document import IOfficialDocument
from phutho.intranet.content.document import number_symbol_constraint
from phutho.intranet.content.document import REGISTRATION_PERMISSION
from phutho.intranet.content.document import split_number_symbol
from phutho.intranet.content.fields import BoundedList
from phutho.intranet.content.fields import DocumentDate
from phutho.intranet.content.fields import DocumentDatetime
from phutho.intranet.content.fields import DocumentFile
from phutho.intranet.content.fields import MAX_RECIPIENTS
from phutho.intranet.content.fields import PlainTextLine
from phutho.intranet.content.validators import organ_id_constraint
from phutho.intranet.dates import now
from plone.app.z3cform.widgets.relateditems import RelatedItemsFieldWidget
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.supermodel import model
from z3c.relationfield.schema import RelationChoice
from z3c.relationfield.schema import RelationList
from zope import schema
from zope.interface import implementer
from zope.interface import invariant


def default_arrival_date():
    return now().replace(second=0, microsecond=0, tzinfo=None)


class IIncomingDocument(IOfficialDocument):
    """Schema of an incoming document."""

    # What the register records is fixed once the document is registered;
    # after that only a logged correction (@correct-registration) changes it.
    directives.write_permission(
        register=REGISTRATION_PERMISSION,
        arrival_date=REGISTRATION_PERMISSION,
        channel=REGISTRATION_PERMISSION,
        sender_name=REGISTRATION_PERMISSION,
        sender_organ_id=REGISTRATION_PERMISSION,
        number_symbol=REGISTRATION_PERMISSION,
        document_date=REGISTRATION_PERMISSION,
        document_type=REGISTRATION_PERMISSION,
        secrecy=REGISTRATION_PERMISSION,
        main_file=REGISTRATION_PERMISSION,
    )

    model.fieldset(
        "registration",
        label=_("fieldset_registration", default="Registration"),
        fields=["register", "arrival_number", "arrival_date", "channel"],
    )
    register = schema.Choice(
        title=_("label_incoming_register", default="Incoming register (sổ đến)"),
        vocabulary="phutho.intranet.IncomingRegisters",
        required=False,
    )
    directives.mode(arrival_number="display")
    arrival_number = schema.Int(
        title=_("label_arrival_number", default="Arrival number (số đến)"),
        description=_(
            "help_arrival_number",
            default="Given by the system when the clerk registers the document.",
        ),
        required=False,
        readonly=True,
    )
    arrival_date = DocumentDatetime(
        title=_("label_arrival_date", default="Arrival date and time"),
        defaultFactory=default_arrival_date,
    )
    channel = schema.Choice(
        title=_("label_arrival_channel", default="Arrived through"),
        vocabulary="phutho.intranet.ArrivalChannels",
        default="paper",
    )

    sender_name = PlainTextLine(
        title=_("label_sender_name", default="Issuing agency"),
    )
    sender_organ_id = schema.ASCIILine(
        title=_("label_sender_organ_id", default="Issuing agency code (OrganId)"),
        required=False,
        constraint=organ_id_constraint,
    )
    number_symbol = PlainTextLine(
        title=_("label_number_symbol", default="Number and symbol"),
        description=_("help_number_symbol", default="As printed, e.g. 15/QĐ-UBND."),
        max_length=100,
        constraint=number_symbol_constraint,
    )
    document_date = DocumentDate(
        title=_("label_document_date", default="Document date"),
    )
    recipients = BoundedList(
        title=_("label_recipients", default="Recipients (nơi nhận)"),
        value_type=PlainTextLine(),
        max_length=MAX_RECIPIENTS,
        required=False,
        default=[],
    )
    processing_deadline = DocumentDate(
        title=_("label_processing_deadline", default="Processing deadline"),
        required=False,
    )
    main_file = DocumentFile(
        title=_("label_main_file", default="Main file"),
        description=_(
            "help_main_file",
            default="The document itself (PDF, DOCX or ODT); annexes are added "
            "as files inside the document.",
        ),
        required=False,
    )

    directives.widget(
        "related_documents",
        RelatedItemsFieldWidget,
        vocabulary="plone.app.vocabularies.Catalog",
        pattern_options={"selectableTypes": ["IncomingDocument", "OutgoingDocument"]},
    )
    related_documents = RelationList(
        title=_("label_related_documents", default="Related documents"),
        value_type=RelationChoice(vocabulary="plone.app.vocabularies.Catalog"),
        required=False,
        default=[],
    )

    @invariant
    def dates_in_order(data):
        check_date_order(
            getattr(data, "document_date", None),
            getattr(data, "arrival_date", None),
            _(
                "error_arrival_before_document",
                default="A document cannot arrive before the date it was issued.",
            ),
        )
        check_date_order(
            getattr(data, "document_date", None),
            getattr(data, "processing_deadline", None),
            _(
                "error_deadline_before_document",
                default="The processing deadline cannot be before the document date.",
            ),
        )


@implementer(IIncomingDocument)
class IncomingDocument(Container):
    """An incoming document; annexes are File items inside it."""

    arrival_number = None
    # Set by internal delivery: the outgoing document this copy came from,
    # the course of its recall ("requested", "accepted", "refused"), and
    # what replaced it.
    source_uid = None
    recall = None
    replaced_by = None  # the symbol of the sender's replacement document

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Dexterity would compute the default at each read: a document
        # created without an arrival time (REST, scripts) would seem to
        # arrive anew every minute. Store the moment it was created.
        if "arrival_date" not in self.__dict__:
            self.arrival_date = default_arrival_date()

    @property
    def code_number(self):
        """CodeNumber in edXML: the number part of the number and symbol."""
        return split_number_symbol(self.number_symbol)[0]

    @property
    def code_notation(self):
        """CodeNotation in edXML: the symbol part."""
        return split_number_symbol(self.number_symbol)[1]
