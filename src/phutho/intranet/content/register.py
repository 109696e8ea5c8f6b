"""Document register (sổ văn bản): a numbered series of an agency.

The numbers themselves are handed out by :mod:`phutho.intranet.numbering`;
the register only holds their counters.
"""

from phutho.intranet import _
from phutho.intranet.content.fields import BoundedList
from phutho.intranet.content.fields import PlainTextLine
from plone.dexterity.content import Item
from plone.supermodel import model
from zope import schema
from zope.interface import implementer


class IDocumentRegister(model.Schema):
    """Schema of a register."""

    title = PlainTextLine(
        title=_("label_register_name", default="Name"),
        description=_("help_register_name", default="e.g. Sổ văn bản đến 2026"),
    )
    direction = schema.Choice(
        title=_("label_direction", default="Direction"),
        vocabulary="phutho.intranet.Directions",
    )
    year = schema.Int(
        title=_("label_register_year", default="Year"),
        description=_(
            "help_register_year",
            default="Leave empty for a register kept across years; numbers "
            "restart at 1 every calendar year either way.",
        ),
        required=False,
        min=2000,
        max=2100,
    )
    secret = schema.Bool(
        title=_("label_register_secret", default="Register of secret documents"),
        description=_(
            "help_register_secret",
            default="Secret documents (Mật, Tối mật, Tuyệt mật) are numbered "
            "in their own register, kept by designated clerks.",
        ),
        required=False,
        default=False,
    )
    document_types = BoundedList(
        title=_("label_register_document_types", default="Document types"),
        description=_(
            "help_register_document_types",
            default="Only these types may be numbered here; empty means all.",
        ),
        value_type=schema.Choice(vocabulary="phutho.intranet.DocumentTypes"),
        required=False,
        default=[],
    )


@implementer(IDocumentRegister)
class DocumentRegister(Item):
    """A register. Its counters (one per year) are separate persistent
    objects: once a year's counter exists, taking numbers writes only it,
    so editing the register does not conflict with numbering (the first
    number of a year adds the counter to the register's own mapping)."""

    _counters = None
