"""The intake action: an easyform's submission becomes an incoming
document (channel ``form``) of the submitting clerk's agency.

The form's fields are named as the document's (``title``,
``document_type``, ``sender_name``, ``number_symbol``, ``document_date``,
``main_file``…); a webmaster may relabel, reorder or drop the optional
ones. Whatever the form says, the values are checked by the document's
own schema — its fields' constraints and invariants, the duplicate check
— as the add form and the REST API check them, and refusals come back at
their fields (or above the form for fields the form does not have).
Nothing is created unless everything passes.
"""

from collective.easyform.actions import Action
from collective.easyform.actions import ActionFactory
from collective.easyform.config import FORM_ERROR_MARKER
from collective.easyform.interfaces import IAction
from phutho.intranet import _
from phutho.intranet import permissions
from phutho.intranet.content.duplicates import check_duplicates
from phutho.intranet.content.incoming import IIncomingDocument
from phutho.intranet.content.storage import add_document
from phutho.intranet.exc import PortalError
from phutho.intranet.work.people import worker
from plone import api
from plone.namedfile.file import NamedBlobFile
from plone.namedfile.interfaces import INamedFile
from plone.supermodel.exportimport import BaseHandler
from zope.i18n import translate
from zope.interface import implementer
from zope.interface import Invalid
from zope.schema import getFieldsInOrder
from zope.schema import ValidationError

import logging

logger = logging.getLogger("phutho.intranet.forms")

CHANNEL = "form"
# Schema fields an intake form may carry (the registration's own: the
# register, arrival number and channel are the clerk's and the system's).
SKIPPED = frozenset(("register", "arrival_number", "channel", "related_documents"))


class IIncomingIntake(IAction):
    """Files the submission as an incoming document of the clerk's agency."""


def clerk_agency(form, fields):
    """The agency the submitting clerk registers for: the form's
    ``agency`` field if it has one (a UID among theirs), else their only
    agency. Returns ``(agency, error)``."""
    agencies = [
        agency
        for agency in worker().agencies
        if api.user.has_permission(permissions.AddIncomingDocument, obj=agency)
    ]
    chosen = fields.get("agency")
    if chosen:
        agencies = [a for a in agencies if a.UID() == chosen]
    if len(agencies) == 1:
        return agencies[0], None
    if not agencies:
        return None, _(
            "error_intake_not_clerk",
            default="Only an agency's clerks (văn thư) file documents with this form.",
        )
    return None, _(
        "error_intake_choose_agency",
        default="You are a clerk of several agencies: the form needs an "
        "'agency' field to say which.",
    )


def document_values(fields):
    """The submitted values the document's schema has, files as blobs."""
    values = {}
    for name, field in getFieldsInOrder(IIncomingDocument):
        if name in SKIPPED or name not in fields:
            continue
        value = fields[name]
        if value in ("", None, [], ()):
            continue
        if INamedFile.providedBy(value):
            value = NamedBlobFile(
                data=value.data, filename=value.filename, contentType=value.contentType
            )
        values[name] = value
    return values


def check_values(agency, values, request):
    """``{field: message}`` of what the document's schema refuses."""
    errors = {}
    for name, field in getFieldsInOrder(IIncomingDocument):
        if name in SKIPPED or field.readonly:
            continue
        bound = field.bind(agency)
        if name not in values and (
            bound.default is not None or bound.defaultFactory is not None
        ):
            continue  # not asked: the document's default applies
        value = values.get(name, bound.missing_value)
        if value == bound.missing_value and not bound.required:
            continue
        try:
            bound.validate(value)
        except ValidationError as error:
            errors[name] = translate(error.doc(), context=request)
    if not errors:
        data = type("Submitted", (), dict(values))()
        try:
            IIncomingDocument.validateInvariants(data)
        except Invalid as error:
            message = error.args[0] if error.args else error
            errors[FORM_ERROR_MARKER] = translate(message, context=request)
    return errors


@implementer(IIncomingIntake)
class IncomingIntake(Action):
    __doc__ = IIncomingIntake.__doc__

    def onSuccess(self, fields, request):
        form = getattr(self, "__parent__", None)
        agency, error = clerk_agency(form, fields)
        if agency is None:
            return {FORM_ERROR_MARKER: translate(error, context=request)}
        values = document_values(fields)
        errors = check_values(agency, values, request)
        if not errors:
            try:
                check_duplicates(
                    agency,
                    values.get("number_symbol"),
                    values.get("sender_organ_id"),
                    values.get("sender_name"),
                    allow_duplicate=bool(fields.get("allow_duplicate")),
                )
            except PortalError as refusal:
                errors[refusal.field or FORM_ERROR_MARKER] = refusal.translated(request)
        if errors:
            # The form shows the errors of fields it has; the others above.
            shown = {
                k: v for k, v in errors.items() if k in fields or k == FORM_ERROR_MARKER
            }
            missing = [
                (
                    f"{translate(IIncomingDocument[k].title, context=request)}: {v}"
                    if k in IIncomingDocument
                    else v
                )
                for k, v in errors.items()
                if k not in shown
            ]
            if missing:
                shown[FORM_ERROR_MARKER] = " ".join(
                    [shown.get(FORM_ERROR_MARKER, ""), *missing]
                ).strip()
            return shown
        document = add_document(agency, "IncomingDocument", channel=CHANNEL, **values)
        logger.info(
            "Intake form: %s filed %s",
            api.user.get_current().getId(),
            document.absolute_url(),
        )
        api.portal.show_message(
            _(
                "msg_intake_filed",
                default="Received: ${title}. Register it now.",
                mapping={"title": document.title},
            ),
            request,
        )
        request.response.redirect(document.absolute_url())
        return None


def intake_forms():
    """The forms (that the user may open) whose actions file an incoming
    document: where a clerk files paper without the add form."""
    catalog = api.portal.get_tool("portal_catalog")
    forms = (brain.getObject() for brain in catalog(portal_type="EasyForm"))
    return [form for form in forms if "IncomingIntake" in (form.actions_model or "")]


IncomingIntakeAction = ActionFactory(
    IncomingIntake,
    _("label_intake_action", default="File as an incoming document"),
    "cmf.ManagePortal",
)
IncomingIntakeHandler = BaseHandler(IncomingIntake)
