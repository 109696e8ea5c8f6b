"""Processing history entries as people read them (timeline, REST)."""

from phutho.intranet import _
from phutho.intranet.dates import format_datetime
from phutho.intranet.dates import localize
from plone import api

# Actions that are not workflow transitions.
ACTION_TITLES = {
    "progress": _("action_progress", default="Progress note"),
    "delivered": _("action_delivered", default="Received from another agency"),
    "recall_requested": _(
        "action_recall_requested", default="Recall requested by the sender"
    ),
    "correction": _("action_correction", default="Registration corrected"),
    "replaced": _(
        "action_replaced", default="Replaced by a new document from the sender"
    ),
    # A head hands the lead unit's work to one of its people (a "reassign"
    # naming only a handler): "Giao xử lý", not "Phân công lại".
    "handover": _("action_handover", default="Hand over (giao xử lý)"),
    # The agency's digital signature made after issue (issue 15).
    "agency_signed": _("action_agency_signed", default="Signed by the agency"),
    "agency_signing_failed": _(
        "action_agency_signing_failed", default="The agency's signature failed"
    ),
}


def action_title(document, action):
    """Title of a transition of the document's workflow, or of another action."""
    if action in ACTION_TITLES:
        return ACTION_TITLES[action]
    wftool = api.portal.get_tool("portal_workflow")
    for workflow in wftool.getWorkflowsFor(document):
        transition = workflow.transitions.get(action)
        if transition is not None:
            return transition.title
    return action


def translate_title(title):
    """Translate a workflow title (a plain string of our workflows' i18n
    domain) or a Message (which carries its own domain)."""
    return api.portal.translate(title, domain="phutho.intranet")


SYSTEM = _("actor_system", default="The system")


def fullname(user_id):
    """The person's full name; the system's own entries say so."""
    if not user_id:
        return user_id
    if user_id == "system":
        return api.portal.translate(SYSTEM)
    user = api.user.get(userid=user_id)
    if user is None:
        return user_id
    return user.getProperty("fullname") or user_id


def is_handover(entry):
    """True for a head's re-assignment inside the unit: it names only a
    handler (a leader's re-assignment names a lead)."""
    assignees = entry.get("assignees") or ()
    return (
        entry.get("action") == "reassign"
        and bool(assignees)
        and all(a.get("role") == "handler" for a in assignees)
    )


def describe_entry(document, entry):
    """A history entry plus its readable parts (title, names, local time)."""
    result = dict(entry)
    action = "handover" if is_handover(entry) else entry["action"]
    result["title"] = translate_title(action_title(document, action))
    result["actor_fullname"] = fullname(entry.get("actor"))
    result["time"] = localize(entry["time"]).isoformat()
    result["time_local"] = format_datetime(entry["time"])
    return result
