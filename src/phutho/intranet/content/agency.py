"""Agency (cơ quan): a department, board or committee with its own registers.

An agency contains its units, its registers and the period folders that
hold its documents and case files.
"""

from phutho.intranet import _
from phutho.intranet.content.fields import PlainTextLine
from phutho.intranet.content.validators import email_constraint
from phutho.intranet.content.validators import organ_id_constraint
from phutho.intranet.content.validators import short_name_constraint
from plone.dexterity.content import Container
from plone.supermodel import model
from zope import schema
from zope.interface import implementer


class IAgency(model.Schema):
    """Schema of an agency."""

    title = PlainTextLine(
        title=_("label_agency_name", default="Name"),
        description=_("help_agency_name", default="e.g. Sở Khoa học và Công nghệ"),
    )
    short_name = PlainTextLine(
        title=_("label_short_name", default="Abbreviation used in symbols"),
        description=_(
            "help_short_name",
            default="Written in document symbols, e.g. UBND in 15/QĐ-UBND.",
        ),
        constraint=short_name_constraint,
    )
    organ_id = schema.ASCIILine(
        title=_("label_organ_id", default="Agency code (OrganId)"),
        description=_(
            "help_organ_id",
            default="Identifier code used in document exchange, e.g. 000.00.00.G22.",
        ),
        constraint=organ_id_constraint,
    )
    address = PlainTextLine(
        title=_("label_address", default="Address"),
        required=False,
    )
    email = PlainTextLine(
        title=_("label_document_mailbox", default="Document mailbox (e-mail)"),
        description=_(
            "help_document_mailbox",
            default="Documents that arrive at this address land in the agency's "
            "incoming queue.",
        ),
        required=False,
        constraint=email_constraint,
    )
    phone = PlainTextLine(
        title=_("label_phone", default="Phone"),
        required=False,
    )
    website = schema.URI(
        title=_("label_website", default="Website"),
        required=False,
    )
    # Appendix I §II.3: a công văn's symbol may carry the field's
    # abbreviation instead of the drafting unit's (05/UBND-VX).
    fields_of_work = schema.List(
        title=_("label_fields_of_work", default="Fields (lĩnh vực) in symbols"),
        description=_(
            "help_fields_of_work",
            default="One per line: abbreviation | name, e.g. VX | Văn hóa - Xã hội. "
            "The clerk may choose one when issuing a công văn.",
        ),
        value_type=PlainTextLine(max_length=200),
        required=False,
        default=[],
        max_length=100,
    )


@implementer(IAgency)
class Agency(Container):
    """An agency: a folder of units, registers and period folders."""
