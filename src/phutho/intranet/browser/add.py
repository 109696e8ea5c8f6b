"""Add forms that file documents by period.

``<agency>/++add++IncomingDocument`` shows the usual dexterity add form; on
save the document goes into the agency's period folder for today.
"""

from phutho.intranet import _
from phutho.intranet.content.duplicates import check_duplicates
from phutho.intranet.content.storage import container_for
from phutho.intranet.exc import DuplicateError
from plone.dexterity.browser.add import DefaultAddForm
from plone.dexterity.browser.add import DefaultAddView
from plone.dexterity.utils import addContentToContainer
from z3c.form import button
from z3c.form import field
from z3c.form.interfaces import WidgetActionExecutionError
from zope import schema
from zope.interface import Invalid

CHOOSE = _("label_choose", default="Choose…")


class StoredAddForm(DefaultAddForm):
    """Add form whose object is stored in a period folder of the agency."""

    def update(self):
        super().update()
        prompt_required_choices(self)

    def add(self, object):
        container = container_for(self.context, self.portal_type)
        new_object = addContentToContainer(container, object)
        self.immediate_view = new_object.absolute_url()
        return new_object


def prompt_required_choices(form):
    """Required choices without a default start empty ("Chọn…"), not on
    their first option: a clerk who skips "Loại văn bản" is told, instead
    of filing a Nghị quyết (issue 13)."""
    groups = [form, *getattr(form, "groups", ())]
    for group in groups:
        for widget in group.widgets.values():
            field = getattr(widget, "field", None)
            if (
                hasattr(widget, "prompt")
                and field is not None
                and field.required
                and field.default is None
                and getattr(field, "defaultFactory", None) is None
            ):
                widget.prompt = True
                widget.promptMessage = CHOOSE


ALLOW_DUPLICATE = "allow_duplicate"


class IncomingAddForm(StoredAddForm):
    """Incoming documents warn about duplicates; the clerk may tick
    "record it anyway" and save again."""

    def updateFields(self):
        super().updateFields()
        self.fields += field.Fields(
            schema.Bool(
                __name__=ALLOW_DUPLICATE,
                title=_(
                    "label_allow_duplicate",
                    default="Record it even if it repeats a registered document",
                ),
                required=False,
                default=False,
            )
        )

    def create(self, data):
        data = {k: v for k, v in data.items() if k != ALLOW_DUPLICATE}
        return super().create(data)

    @button.buttonAndHandler(_("Save"), name="save")
    def handleAdd(self, action):
        data, errors = self.extractData()
        if not errors:
            try:
                check_duplicates(
                    self.context,
                    data.get("number_symbol"),
                    data.get("sender_organ_id"),
                    data.get("sender_name"),
                    allow_duplicate=bool(data.get(ALLOW_DUPLICATE)),
                )
            except DuplicateError as error:
                raise WidgetActionExecutionError(error.field, Invalid(error.message))
        return DefaultAddForm.handleAdd(self, action)

    @button.buttonAndHandler(_("Cancel"), name="cancel")
    def handleCancel(self, action):
        return DefaultAddForm.handleCancel(self, action)


class StoredAddView(DefaultAddView):
    form = StoredAddForm


class IncomingAddView(DefaultAddView):
    form = IncomingAddForm
