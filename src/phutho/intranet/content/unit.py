"""Unit (phòng, ban) of an agency."""

from phutho.intranet import _
from phutho.intranet.content.fields import PlainTextLine
from phutho.intranet.content.validators import short_name_constraint
from plone.dexterity.content import Item
from plone.supermodel import model
from zope import schema
from zope.interface import implementer


class IUnit(model.Schema):
    """Schema of a unit."""

    title = PlainTextLine(
        title=_("label_unit_name", default="Name"),
        description=_("help_unit_name", default="e.g. Phòng Văn hóa - Xã hội"),
    )
    short_name = PlainTextLine(
        title=_("label_unit_short_name", default="Abbreviation"),
        description=_(
            "help_unit_short_name",
            default="Used in the symbol of a công văn, e.g. VX in 05/UBND-VX.",
        ),
        constraint=short_name_constraint,
    )
    head = schema.Choice(
        title=_("label_unit_head", default="Head of unit"),
        vocabulary="phutho.intranet.AgencyUsers",
        required=False,
    )


@implementer(IUnit)
class Unit(Item):
    """A unit: its people are the members of its groups."""
