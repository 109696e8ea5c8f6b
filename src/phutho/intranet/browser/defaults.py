"""Forms that guess right: what a new outgoing draft starts with, and
choices that start empty.

The drafter is the person drafting and the drafting unit is theirs (a
công văn's symbol is built from it), as z3c.form "default" values of the
add form's widgets: the schema keeps no default (a document created
through the API names its unit), and the person can still choose another.
"""

from phutho.intranet import _
from phutho.intranet.content.outgoing import IOutgoingDocument
from phutho.intranet.work.people import worker
from plone import api
from z3c.form.interfaces import ISelectWidget
from z3c.form.widget import ComputedWidgetAttribute
from z3c.form.widget import StaticWidgetAttribute


def _drafting_unit(adapter):
    """The UID of the drafter's unit in the agency the draft is added to
    (their first, if they work in several), else no default."""
    if api.user.is_anonymous():
        return None
    units = worker(adapter.context).units
    return units[0].UID() if units else None


def _drafter(adapter):
    """The person drafting."""
    if api.user.is_anonymous():
        return None
    return api.user.get_current().getId()


DraftingUnitDefault = ComputedWidgetAttribute(
    _drafting_unit, field=IOutgoingDocument["drafting_unit"]
)
DrafterDefault = ComputedWidgetAttribute(_drafter, field=IOutgoingDocument["drafter"])


# Every select of a single choice offers "Chọn…" first: a required choice
# without a value (a new form) starts empty rather than on its first
# option, in our add forms, Plone's and easyform's alike (issue 13).
SelectPrompt = StaticWidgetAttribute(True, widget=ISelectWidget)
SelectPromptMessage = StaticWidgetAttribute(
    _("label_choose", default="Choose…"), widget=ISelectWidget
)
