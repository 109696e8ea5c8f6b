"""The rules of the incoming workflow (văn bản đến, Decree 30 Art. 20-24).

Each transition that needs data has a validator, run before the state
changes, which refuses with an :class:`InvalidDataError` and returns what
it prepared; and an effect, run after, which applies it and returns the
details the processing history keeps. ``transitions.py`` runs them.
"""

from phutho.intranet import _
from phutho.intranet.content.duplicates import check_duplicates
from phutho.intranet.content.utils import find_agency
from phutho.intranet.content.utils import same_object
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.numbering.api import register_incoming
from phutho.intranet.numbering.registers import choose_register
from phutho.intranet.workflow import assignment
from phutho.intranet.workflow.data import require_comment
from plone import api
from plone.app.uuid.utils import uuidToObject
from zExceptions import Unauthorized


def current_user_id():
    user = api.user.get_current()
    return user.getId() if user is not None else None


def has_role(document, role):
    """True when the current user has ``role`` on the document."""
    return role in api.user.get_current().getRolesInContext(document)


def reassign_mode(document):
    """How the current user re-assigns: a leader re-assigns as a whole
    ("assignment"), a head of the lead unit hands the work to one of its
    people ("handover"). Pages show the matching form; the validator
    applies the matching rule."""
    return "assignment" if has_role(document, "Leader") else "handover"


# -- validators ------------------------------------------------------------


def validate_register(document, data, comment):
    register = choose_register(document, data.get("register"), "incoming")
    check_duplicates(
        find_agency(document),
        document.number_symbol,
        document.sender_organ_id,
        document.sender_name,
        exclude_uid=document.UID(),
        allow_duplicate=data.get("allow_duplicate"),
    )
    return {"register": register}


def validate_comment(document, data, comment):
    require_comment(comment)
    return {}


def validate_assign(document, data, comment):
    return assignment.parse_assignment(document, data, current_user_id())


def validate_reassign(document, data, comment):
    """A leader re-assigns as a whole; a head of the lead unit hands the
    work to a person of that unit."""
    if reassign_mode(document) == "assignment":
        return assignment.parse_assignment(document, data, current_user_id())
    if not has_role(document, "UnitHead"):
        raise InvalidDataError(
            _(
                "error_reassign_not_allowed",
                default="Only the lead unit's head may re-assign.",
            ),
            field="handler",
        )
    return {"handler": assignment.parse_handover(document, data, current_user_id())}


def validate_complete(document, data, comment):
    """The reply must be an outgoing document of the same agency that the
    person completing may see."""
    reply = data.get("reply")
    if not reply:
        return {}
    try:
        target = uuidToObject(reply) if isinstance(reply, str) else None
    except Unauthorized:
        target = None
    if (
        target is None
        or target.portal_type != "OutgoingDocument"
        or not same_object(find_agency(target), find_agency(document))
        or not api.user.has_permission("View", obj=target)
    ):
        raise InvalidDataError(
            _(
                "error_reply_unknown",
                default="The reply must be an outgoing document.",
            ),
            field="reply",
        )
    return {"reply": target}


def validate_recall_answer(document, data, comment):
    if getattr(document, "recall", None) != "requested":
        raise InvalidDataError(
            _("error_no_recall", default="The sender has not recalled this document.")
        )
    return {}


def validate_refuse_recall(document, data, comment):
    validate_recall_answer(document, data, comment)
    require_comment(comment)
    return {}


# -- effects ---------------------------------------------------------------


def apply_register(document, prepared, comment):
    number = register_incoming(document, prepared["register"])
    return {"arrival_number": number, "register": prepared["register"].Title()}


def apply_assign(document, prepared, comment):
    assignment.replace_assignments(document, prepared["entries"])
    return {
        "assignees": assignment.describe(prepared["entries"]),
        "instructions": prepared["instructions"],
    }


def apply_reassign(document, prepared, comment):
    if "entries" in prepared:
        return apply_assign(document, prepared, comment)
    entry = prepared["handler"]
    assignment.add_assignments(document, [entry], close_roles=("handler",))
    return {
        "assignees": assignment.describe([entry]),
        "instructions": entry["instructions"],
    }


def apply_complete(document, prepared, comment):
    assignment.close_all(document, completion=True)
    reply = prepared.get("reply")
    if reply is None:
        return {}
    api.relation.create(source=document, target=reply, relationship="related_documents")
    return {"reply": reply.UID(), "reply_symbol": reply.symbol or reply.Title()}


def apply_reopen(document, prepared, comment):
    """The work goes back to those who completed it."""
    return {"assignees": assignment.describe(assignment.reopen_completed(document))}


def apply_accept_recall(document, prepared, comment):
    document.recall = "accepted"
    assignment.close_all(document)
    return {"recall": "accepted"}


def apply_refuse_recall(document, prepared, comment):
    document.recall = "refused"
    return {"recall": "refused"}


# transition id -> (validator or None, effect or None)
RULES = {
    "register": (validate_register, apply_register),
    "return_to_sender": (validate_comment, None),
    "send_back": (validate_comment, None),
    "assign": (validate_assign, apply_assign),
    "reassign": (validate_reassign, apply_reassign),
    "complete": (validate_complete, apply_complete),
    "reopen": (validate_comment, apply_reopen),
    "accept_recall": (validate_recall_answer, apply_accept_recall),
    "refuse_recall": (validate_refuse_recall, apply_refuse_recall),
}
