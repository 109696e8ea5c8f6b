"""Forms that act on a document: a transition with its data
(``@@transition?workflow_action=<id>``), a progress note
(``@@progress-note``) and a logged correction of the registration data
(``@@correct-registration``).

Each form only collects what the workflow package's API takes and calls
it (``do_transition``, ``add_progress_note``, ``correct_registration``):
the rules and the refusals are the API's, so the pages, the REST services
and scripts behave alike. A refused action changes nothing and the form
comes back with the message, next to the field it concerns when there is
one. Every POST must carry plone.protect's authenticator.
"""

from phutho.intranet import _
from phutho.intranet.browser.messages import done_message
from phutho.intranet.browser.reading import apply_proposals
from phutho.intranet.browser.reading import register_proposals
from phutho.intranet.browser.utils import document_number
from phutho.intranet.content.terms import agency_fields
from phutho.intranet.content.utils import find_agency
from phutho.intranet.content.vocabularies import document_type_info
from phutho.intranet.exc import PortalError
from phutho.intranet.numbering.registers import suitable_registers
from phutho.intranet.work.people import agency_people
from phutho.intranet.work.people import person_label
from phutho.intranet.workflow.api import do_transition
from phutho.intranet.workflow.assignment import earliest_deadline
from phutho.intranet.workflow.assignment import lead_unit
from phutho.intranet.workflow.assignment import unit_people
from phutho.intranet.workflow.correction import correct_registration
from phutho.intranet.workflow.correction import correctable_fields
from phutho.intranet.workflow.incoming import reassign_mode
from phutho.intranet.workflow.presentation import action_title
from phutho.intranet.workflow.presentation import fullname
from phutho.intranet.workflow.presentation import translate_title
from phutho.intranet.workflow.progress import add_progress_note
from phutho.intranet.workflow.transitions import comment_required
from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView
from z3c.form import button
from z3c.form import field
from z3c.form import form
from z3c.form.interfaces import ActionExecutionError
from z3c.form.interfaces import WidgetActionExecutionError
from zExceptions import BadRequest
from zope import schema
from zope.component import getUtility
from zope.interface import Invalid
from zope.schema.interfaces import IVocabularyFactory

import transaction

# The fields a transition needs besides its comment, by form kind. A head
# of unit re-assigning inside the unit gets the "handover" form instead of
# a leader's "assignment" (transitions.reassign_mode says which; the
# validator applies the same rule, the form only shows its fields).
FORM_KINDS = {
    ("IncomingDocument", "register"): "register",
    ("OutgoingDocument", "issue"): "register",
    ("IncomingDocument", "assign"): "assignment",
    ("IncomingDocument", "reassign"): "assignment",
    ("IncomingDocument", "complete"): "reply",
}

REPLY_LIMIT = 30  # outgoing documents offered as the reply, latest first

# A head handing the lead unit's work to one of its people: not a new
# assignment ("Phân công lại") but a handover ("Giao xử lý").
HANDOVER_TITLE = _("action_handover", default="Hand over (giao xử lý)")


def principal_spec(value):
    """``"unit:<UID>"`` or ``"user:<id>"`` (option values) -> ``{kind, id}``."""
    kind, _sep, principal = (value or "").partition(":")
    if not (kind and principal):
        return None
    return {"kind": kind, "id": principal}


def issue_fields(document):
    """The agency's fields (lĩnh vực) a công văn's symbol may carry."""
    info = document_type_info(document.document_type)
    if info is None or info[1]:  # a typed document: its type is in the symbol
        return []
    return [
        {"value": abbreviation, "title": f"{abbreviation} — {title}"}
        for abbreviation, title in agency_fields(find_agency(document))
    ]


def vocabulary_options(context, name, prefix):
    vocabulary = getUtility(IVocabularyFactory, name)(context)
    return [
        {"value": f"{prefix}:{term.value}", "title": term.title} for term in vocabulary
    ]


class ActionForm(BrowserView):
    """What the document forms share: errors by field, the checked POST,
    the way back to the document."""

    def __call__(self):
        self.errors = {}
        self.update()
        if self.request.method == "POST" and "form.submitted" in self.request.form:
            CheckAuthenticator(self.request)
            if self.submit():
                return ""
        return self.index()

    def update(self):
        """Prepare what the template shows."""

    def submit(self):
        """Act on the posted form; True when done (the response redirects)."""
        raise NotImplementedError

    def report(self, error):
        """Show a refusal (a :class:`PortalError`): as a status message,
        and at its field."""
        text = error.translated(self.request)
        if error.field:
            self.errors[error.field] = text
        api.portal.show_message(text, self.request, type="error")

    def done(self, message):
        """Say it is done and go back to the document, or to the agency's
        dashboard when the action took the document out of the user's sight."""
        api.portal.show_message(message, self.request)
        target = self.context.absolute_url()
        came_from = self.request.form.get("came_from")
        portal_url = api.portal.get_tool("portal_url")
        if came_from and portal_url.isURLInPortal(came_from):
            # Acted from a dashboard's row: back to the list.
            target = came_from
        elif not api.user.has_permission("View", obj=self.context):
            agency = find_agency(self.context)
            target = f"{agency.absolute_url()}/@@documents-dashboard"
        self.request.response.redirect(target)
        return True

    def field_value(self, name, default=""):
        """A posted value, to fill the form again after a refusal."""
        return self.request.form.get(name, default)

    def is_selected(self, name, value):
        posted = self.request.form.get(name)
        if isinstance(posted, (list, tuple)):
            return value in posted
        return posted == value


class TransitionForm(ActionForm):
    """``@@transition?workflow_action=<id>``: one transition and its data.

    The form is shown when the workflow offers the transition to the user;
    a POST is always handed to the workflow, which refuses what it does not
    allow.
    """

    def update(self):
        self.transition = self.request.form.get("workflow_action") or ""
        if not self.transition:
            raise BadRequest("workflow_action is required")
        context = self.context
        self.number = document_number(context)
        self.title = translate_title(action_title(context, self.transition))
        wftool = api.portal.get_tool("portal_workflow")
        self.offered = any(
            t["id"] == self.transition for t in wftool.getTransitionsFor(context)
        )
        key = (context.portal_type, self.transition)
        self.comment_required = comment_required(*key)
        self.kind = FORM_KINDS.get(key)
        if self.kind == "assignment" and self.transition == "reassign":
            self.kind = reassign_mode(context)
        if self.kind == "handover":
            self.title = api.portal.translate(HANDOVER_TITLE)
        self.default_deadline = self.deadline_default()
        self.came_from = self.request.form.get("came_from") or ""
        self.options = {}
        if self.offered and self.kind:
            self.options = getattr(self, f"{self.kind}_options")()

    def deadline_default(self):
        """The deadline a leader or head starts from: the document's own
        (registered), else the one of the work handed on (yyyy-mm-dd)."""
        if self.kind not in ("assignment", "handover"):
            return ""
        deadline = None
        if self.kind == "assignment":
            deadline = getattr(self.context, "processing_deadline", None)
        deadline = deadline or earliest_deadline(self.context)
        return deadline.isoformat() if deadline else ""

    # -- what each kind of form offers --

    def register_options(self):
        direction = (
            "incoming" if self.context.portal_type == "IncomingDocument" else "outgoing"
        )
        registers = suitable_registers(self.context, direction)
        chosen = self.request.form.get("register") or self.context.register
        if not chosen and len(registers) == 1:
            chosen = registers[0].UID()
        return {
            "registers": [
                {"value": r.UID(), "title": r.Title(), "selected": r.UID() == chosen}
                for r in registers
            ],
            "duplicates": direction == "incoming",
            # A công văn's symbol may carry a field (lĩnh vực), chosen here.
            "fields": issue_fields(self.context) if direction == "outgoing" else [],
            # Fields read from the file or mail (issue 15), to confirm.
            "proposals": (
                register_proposals(self.context) if direction == "incoming" else []
            ),
        }

    def assignment_options(self):
        """The agency's units, and the people of its units with their
        position and unit (leaders and clerks are not handed work)."""
        agency = find_agency(self.context)
        people = agency_people(agency) if agency is not None else []
        return {
            "units": vocabulary_options(self.context, "phutho.intranet.Units", "unit"),
            "people": [
                {"value": f"user:{p['id']}", "title": person_label(p)} for p in people
            ],
        }

    def handover_options(self):
        """The people of the lead unit (its specialists and heads), with
        their position."""
        unit = lead_unit(self.context)
        members = unit_people(unit) if unit is not None else set()
        agency = find_agency(self.context)
        known = {p["id"]: p for p in agency_people(agency)} if agency else {}
        people = [
            {
                "value": member,
                "title": (
                    person_label(known[member]) if member in known else fullname(member)
                ),
            }
            for member in members
        ]
        return {"people": sorted(people, key=lambda person: person["title"])}

    def reply_options(self):
        agency = find_agency(self.context)
        catalog = api.portal.get_tool("portal_catalog")
        brains = catalog(
            portal_type="OutgoingDocument",
            path="/".join(agency.getPhysicalPath()),
            sort_on="modified",
            sort_order="reverse",
            sort_limit=REPLY_LIMIT,
        )[:REPLY_LIMIT]
        return {
            "replies": [
                {
                    "value": brain.UID,
                    "title": (
                        f"{brain.number_symbol}: {brain.Title}"
                        if brain.number_symbol
                        else brain.Title
                    ),
                }
                for brain in brains
            ]
        }

    # -- the POST --

    def data(self):
        """Transition data (see workflow/transitions.py) from the form."""
        form = self.request.form
        if self.kind == "register":
            data = {"register": form.get("register") or None}
            if form.get("field"):
                data["field"] = form.get("field")
            if form.get("allow_duplicate"):
                data["allow_duplicate"] = True
            return data
        if self.kind == "assignment":
            lead = principal_spec(form.get("lead"))
            if lead is not None:
                lead["deadline"] = form.get("deadline") or None
            coordinators = [
                principal_spec(value) for value in form.get("coordinators") or ()
            ]
            return {
                "lead": lead,
                "coordinators": [spec for spec in coordinators if spec],
                "instructions": form.get("instructions", ""),
            }
        if self.kind == "handover":
            return {
                "handler": form.get("handler") or None,
                "deadline": form.get("deadline") or None,
                "instructions": form.get("instructions", ""),
            }
        if self.kind == "reply" and form.get("reply"):
            return {"reply": form["reply"]}
        return {}

    def submit(self):
        comment = (self.request.form.get("comment") or "").strip()
        try:
            if self.kind == "register":
                apply_proposals(self.context, self.request.form.get("proposals") or ())
            do_transition(
                self.context, self.transition, comment=comment, data=self.data()
            )
        except PortalError as error:
            transaction.doom()  # a refusal commits nothing (see do_transition)
            self.report(error)
            return False
        return self.done(
            done_message(
                self.context,
                self.transition,
                self.title,
                handover=self.kind == "handover",
            )
        )


class ProgressNoteForm(ActionForm):
    """``@@progress-note``: what was done on an incoming document, and how
    far along it is (0-100 %), recorded in the processing history."""

    def submit(self):
        form = self.request.form
        try:
            add_progress_note(
                self.context, form.get("text"), form.get("percent") or None
            )
        except PortalError as error:
            transaction.doom()
            self.report(error)
            return False
        return self.done(_("msg_progress_recorded", default="Progress note recorded."))


REASON_FIELD = schema.Text(
    __name__="reason",
    title=_("label_correction_reason", default="Reason for the correction"),
    required=True,
)


class CorrectRegistrationForm(form.Form):
    """``@@correct-registration``: a clerk fixes a typing mistake in the
    registration data of a registered document; the processing history
    keeps the old and the new values and the reason.

    The fields are the schema's own (those ``correctable_fields`` names),
    filled with the current values; only the changed ones are sent.
    """

    enableCSRFProtection = True
    label = _("heading_correct_registration", default="Correct the registration data")
    description = _(
        "help_correct_registration",
        default="Numbers are never corrected. Every correction is kept in the "
        "processing history with its reason.",
    )

    def update(self):
        self.fields = field.Fields(*correctable_fields(self.context).values())
        self.fields += field.Fields(field.Field(REASON_FIELD, ignoreContext=True))
        super().update()

    @button.buttonAndHandler(
        _("label_save_correction", default="Save the correction"), name="save"
    )
    def handle_save(self, action):
        CheckAuthenticator(self.request)
        data, errors = self.extractData()
        if errors:
            self.status = self.formErrorsMessage
            return
        reason = data.pop("reason")
        changes = {
            name: value
            for name, value in data.items()
            if value != getattr(self.context, name, None)
        }
        if not changes:
            self.status = _("msg_nothing_changed", default="Nothing was changed.")
            return
        try:
            correct_registration(self.context, changes, reason)
        except PortalError as error:
            transaction.doom()
            if error.field in self.widgets:
                raise WidgetActionExecutionError(error.field, Invalid(error.message))
            raise ActionExecutionError(Invalid(error.message))
        api.portal.show_message(
            _("msg_registration_corrected", default="Registration corrected."),
            self.request,
        )
        self.request.response.redirect(self.context.absolute_url())

    @button.buttonAndHandler(_("label_cancel", default="Cancel"), name="cancel")
    def handle_cancel(self, action):
        self.request.response.redirect(self.context.absolute_url())
