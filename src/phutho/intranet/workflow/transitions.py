"""What each transition requires and what it does.

Plone's workflow tool runs every transition, whoever asks (a page, the
REST API, a script); these subscribers make the rules hold for all of them:
``before`` checks the transition's data and refuses it with a clear
message, ``after`` applies it (numbers, assignments, deliveries), writes the
processing history and refreshes local roles. Data arrives in the
transition's keyword arguments: ``doActionFor(doc, id, comment=..., data={...})``.
"""

from phutho.intranet import _
from phutho.intranet.content.duplicates import find_duplicates
from phutho.intranet.content.register import IDocumentRegister
from phutho.intranet.content.utils import find_agency
from phutho.intranet.content.utils import same_object
from phutho.intranet.dates import now
from phutho.intranet.dates import today
from phutho.intranet.groups import agency_user_ids
from phutho.intranet.groups import group_member_ids
from phutho.intranet.groups import unit_group_id
from phutho.intranet.numbering.api import check_incoming
from phutho.intranet.numbering.api import check_outgoing
from phutho.intranet.numbering.api import check_register
from phutho.intranet.numbering.api import incoming_numbering_date
from phutho.intranet.numbering.api import issue_outgoing
from phutho.intranet.numbering.api import NumberingError
from phutho.intranet.numbering.api import register_incoming
from phutho.intranet.workflow import assignment
from phutho.intranet.workflow.api import do_transition
from phutho.intranet.workflow.data import parse_date
from phutho.intranet.workflow.data import require_comment
from phutho.intranet.workflow.data import text
from phutho.intranet.workflow.data import TransitionDataError
from phutho.intranet.workflow.history import record
from phutho.intranet.workflow.localroles import reindex_security
from phutho.intranet.workflow.localroles import update_local_roles
from plone import api
from plone.app.uuid.utils import uuidToObject
from zExceptions import Unauthorized

import logging

logger = logging.getLogger("phutho.intranet.workflow")

PREPARED = "_phutho_prepared"


# -- helpers ------------------------------------------------------------------


def _current_user_id():
    user = api.user.get_current()
    return user.getId() if user is not None else None


def _has_role(document, role):
    """True when the current user has ``role`` on the document (local or
    global: a site-wide grant would count, though none is made)."""
    user = api.user.get_current()
    return role in user.getRolesInContext(document)


def reassign_mode(document):
    """How the current user re-assigns: a leader re-assigns as a whole
    ("assignment"), a head of the lead unit hands the work to one of its
    people ("handover"). Pages show the matching form; the validator
    applies the matching rule."""
    return "assignment" if _has_role(document, "Leader") else "handover"


def suitable_registers(document, direction):
    """Open registers of the document's agency that may number it.

    Registers are direct children of the agency, a handful: read there,
    not from the catalog.
    """
    agency = find_agency(document)
    if agency is None:
        return []
    result = []
    when = numbering_date(document, direction)
    for register in agency.objectValues():
        if not IDocumentRegister.providedBy(register):
            continue
        if api.content.get_state(register) != "open":
            continue
        try:
            check_register(register, document, direction, when)
        except NumberingError:
            continue
        result.append(register)
    return result


def _choose_register(document, data, direction):
    """The register named in ``data`` or on the document, else the only
    suitable one; refuses when none or several fit."""
    uid = data.get("register") or document.register
    if uid:
        register = uuidToObject(uid, unrestricted=True)
        if register is None:
            raise TransitionDataError(
                _("error_register_unknown", default="Unknown register.")
            )
        if api.content.get_state(register) != "open":
            raise TransitionDataError(
                _("error_register_closed", default="This register is closed.")
            )
    else:
        candidates = suitable_registers(document, direction)
        if len(candidates) != 1:
            raise TransitionDataError(
                _("error_register_required", default="Choose a register.")
            )
        register = candidates[0]
    try:
        if direction == "incoming":
            check_incoming(document, register)
        else:
            check_outgoing(document, register)
    except NumberingError as error:
        raise TransitionDataError(error.message)
    return register


def numbering_date(document, direction):
    """The moment whose year numbers the document: an incoming document's
    arrival, or now for an outgoing one being issued."""
    return incoming_numbering_date(document) if direction == "incoming" else now()


def check_deadline(deadline):
    """Refuse a deadline before today (None passes: not every entry has one)."""
    if deadline is not None and deadline < today():
        raise TransitionDataError(
            _("error_deadline_past", default="A deadline cannot be in the past.")
        )
    return deadline


def _parse_assignee(document, spec, role, assigned_by, instructions=""):
    """Check one ``{"kind", "id", "deadline"}`` against the agency."""
    if not isinstance(spec, dict):
        raise TransitionDataError(
            _("error_assignee_shape", default="An assignee is {kind, id, deadline}.")
        )
    kind, principal = spec.get("kind"), spec.get("id")
    deadline = parse_date(spec.get("deadline"))
    agency = find_agency(document)
    if kind == "unit":
        unit = uuidToObject(principal, unrestricted=True) if principal else None
        if (
            unit is None
            or not same_object(find_agency(unit), agency)
            or unit.portal_type != "Unit"
        ):
            raise TransitionDataError(
                _("error_unknown_unit", default="This unit is not in the agency.")
            )
    elif kind == "user":
        if principal not in agency_user_ids(agency):
            raise TransitionDataError(
                _(
                    "error_unknown_official",
                    default="${user} does not work in this agency.",
                    mapping={"user": principal or ""},
                )
            )
    else:
        raise TransitionDataError(
            _("error_assignee_kind", default="An assignee is a unit or a user.")
        )
    check_deadline(deadline)
    return assignment.make_entry(
        role,
        kind,
        principal,
        deadline,
        instructions=instructions,
        assigned_by=assigned_by,
    )


def _parse_assignment(document, data):
    """A full assignment by a leader: a lead with a deadline, co-ordinators."""
    lead = data.get("lead")
    instructions = text(data.get("instructions"), "instructions")
    coordinators = data.get("coordinators") or []
    if not isinstance(coordinators, list):
        raise TransitionDataError(
            _("error_assignee_shape", default="An assignee is {kind, id, deadline}.")
        )
    if not lead:
        raise TransitionDataError(
            _("error_lead_required", default="Assign a lead unit or person.")
        )
    actor = _current_user_id()
    lead_entry = _parse_assignee(document, lead, "lead", actor, instructions)
    if lead_entry["deadline"] is None:
        lead_entry["deadline"] = check_deadline(parse_date(data.get("deadline")))
    if lead_entry["deadline"] is None:
        raise TransitionDataError(
            _("error_deadline_required", default="Give the lead a deadline.")
        )
    entries = [lead_entry]
    for spec in coordinators:
        entry = _parse_assignee(document, spec, "coordinator", actor, instructions)
        entry["deadline"] = entry["deadline"] or lead_entry["deadline"]
        entries.append(entry)
    return {"entries": entries, "instructions": instructions}


def _describe(entries):
    return [
        {
            "role": e["role"],
            "kind": e["kind"],
            "id": e["id"],
            "deadline": e["deadline"].isoformat() if e["deadline"] else None,
        }
        for e in entries
    ]


# -- incoming: validators -------------------------------------------------------


def validate_register(document, data, comment):
    register = _choose_register(document, data, "incoming")
    if data.get("allow_duplicate") is not True:
        duplicates = find_duplicates(
            find_agency(document),
            document.number_symbol,
            document.sender_organ_id,
            document.sender_name,
            exclude_uid=document.UID(),
        )
        if duplicates:
            raise TransitionDataError(
                _(
                    "error_duplicate_registration",
                    default="A document with this number and symbol from this "
                    "agency is already registered. Confirm to register it anyway.",
                )
            )
    return {"register": register}


def validate_comment(document, data, comment):
    require_comment(comment)
    return {}


def validate_assign(document, data, comment):
    return _parse_assignment(document, data)


def validate_reassign(document, data, comment):
    """A leader re-assigns as a whole; a head of the lead unit hands the work
    to a person of that unit."""
    if reassign_mode(document) == "assignment":
        return _parse_assignment(document, data)
    unit = assignment.lead_unit(document)
    handler = text(data.get("handler"), "handler")
    if unit is None or not _has_role(document, "UnitHead"):
        raise TransitionDataError(
            _(
                "error_reassign_not_allowed",
                default="Only the lead unit's head may re-assign.",
            )
        )
    members = set(group_member_ids(unit_group_id(unit, "specialists")))
    members |= set(group_member_ids(unit_group_id(unit, "heads")))
    if handler not in members:
        raise TransitionDataError(
            _(
                "error_handler_not_in_unit",
                default="Re-assign inside the unit: ${user} is not one of its people.",
                mapping={"user": handler or ""},
            )
        )
    deadline = check_deadline(
        parse_date(data.get("deadline"))
    ) or assignment.earliest_deadline(document)
    entry = assignment.make_entry(
        "handler",
        "user",
        handler,
        deadline,
        instructions=text(data.get("instructions"), "instructions"),
        assigned_by=_current_user_id(),
    )
    return {"handler": entry}


def validate_complete(document, data, comment):
    """The reply must be an outgoing document of the same agency that the
    person completing may see."""
    reply = data.get("reply")
    if reply:
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
            raise TransitionDataError(
                _(
                    "error_reply_unknown",
                    default="The reply must be an outgoing document.",
                )
            )
        return {"reply": target}
    return {}


def validate_replace(document, data, comment):
    """Only the issue of a document replacing this one marks it replaced."""
    replacement = uuidToObject(data.get("replacement") or "", unrestricted=True)
    if replacement is None or not same_object(replaced_document(replacement), document):
        raise TransitionDataError(
            _(
                "error_replace_directly",
                default="A document is replaced by issuing the document that replaces it.",
            )
        )
    return {}


# -- incoming: effects ------------------------------------------------------------


def apply_register(document, prepared, comment):
    number = register_incoming(document, prepared["register"])
    return {"arrival_number": number, "register": prepared["register"].Title()}


def apply_assign(document, prepared, comment):
    assignment.replace_assignments(document, prepared["entries"])
    return {
        "assignees": _describe(prepared["entries"]),
        "instructions": prepared["instructions"],
    }


def apply_reassign(document, prepared, comment):
    if "entries" in prepared:
        return apply_assign(document, prepared, comment)
    entry = prepared["handler"]
    assignment.add_assignments(document, [entry], close_roles=("handler",))
    return {"assignees": _describe([entry]), "instructions": entry["instructions"]}


def apply_complete(document, prepared, comment):
    assignment.close_all(document, completion=True)
    reply = prepared.get("reply")
    if reply is None:
        return {}
    from phutho.intranet.content.relations import add_relation

    add_relation(document, "related_documents", reply)
    return {"reply": reply.UID(), "reply_symbol": reply.symbol or reply.Title()}


def apply_reopen(document, prepared, comment):
    """The work goes back to those who completed it."""
    return {"assignees": _describe(assignment.reopen_completed(document))}


def validate_recall_answer(document, data, comment):
    if getattr(document, "recall", None) != "requested":
        raise TransitionDataError(
            _("error_no_recall", default="The sender has not recalled this document.")
        )
    return {}


def validate_refuse_recall(document, data, comment):
    validate_recall_answer(document, data, comment)
    require_comment(comment)
    return {}


def apply_accept_recall(document, prepared, comment):
    document.recall = "accepted"
    assignment.close_all(document)
    return {"recall": "accepted"}


def apply_refuse_recall(document, prepared, comment):
    document.recall = "refused"
    return {"recall": "refused"}


# -- outgoing ------------------------------------------------------------------------


def validate_submit_draft(document, data, comment):
    if not (document.draft_file or (document.content or "").strip()):
        raise TransitionDataError(
            _(
                "error_draft_empty",
                default="Attach the draft or write its content first.",
            )
        )
    return {}


def apply_sign(document, prepared, comment):
    if not document.signer_name:
        user = api.user.get_current()
        document.signer_name = user.getProperty("fullname") or user.getId()
    return {"signer": document.signer_name}


def validate_issue(document, data, comment):
    register = _choose_register(document, data, "outgoing")
    old = replaced_document(document)
    if old is not None and (
        not same_object(find_agency(old), find_agency(document))
        or api.content.get_state(old) != "issued"
    ):
        raise TransitionDataError(
            _(
                "error_replaces",
                default="Only an issued document of this agency can be replaced.",
            )
        )
    if not (document.internal_recipients or document.external_recipients):
        raise TransitionDataError(
            _("error_recipients_required", default="Name at least one recipient.")
        )
    return {"register": register}


def replaced_document(document):
    """The issued document ``document`` replaces, or None."""
    relation = getattr(document, "replaces", None)
    if relation is None or relation.isBroken():
        return None
    return relation.to_object


def apply_issue(document, prepared, comment):
    from phutho.intranet.workflow.delivery import deliver_internally
    from phutho.intranet.workflow.delivery import notify_replacement

    number, symbol = issue_outgoing(document, prepared["register"])
    delivered = deliver_internally(document)
    details = {"number": number, "symbol": symbol, "delivered_to": delivered}
    old = replaced_document(document)
    if old is not None:
        # The clerk issuing the correction may not recall; the rule does.
        with api.env.adopt_roles(["Manager"]):
            do_transition(
                old,
                "replace",
                comment=f"{symbol}: {document.Title()}",
                data={"replacement": document.UID()},
            )
        notify_replacement(old, document)
        details["replaces"] = old.symbol
    return details


def apply_recall(document, prepared, comment):
    from phutho.intranet.workflow.delivery import notify_recall

    return {"recalled_at": notify_recall(document, comment)}


VALIDATORS = {
    ("IncomingDocument", "register"): validate_register,
    ("IncomingDocument", "return_to_sender"): validate_comment,
    ("IncomingDocument", "send_back"): validate_comment,
    ("IncomingDocument", "assign"): validate_assign,
    ("IncomingDocument", "reassign"): validate_reassign,
    ("IncomingDocument", "complete"): validate_complete,
    ("IncomingDocument", "reopen"): validate_comment,
    ("IncomingDocument", "accept_recall"): validate_recall_answer,
    ("IncomingDocument", "refuse_recall"): validate_refuse_recall,
    ("OutgoingDocument", "submit_for_review"): validate_submit_draft,
    ("OutgoingDocument", "return_for_revision"): validate_comment,
    ("OutgoingDocument", "issue"): validate_issue,
    ("OutgoingDocument", "recall"): validate_comment,
    ("OutgoingDocument", "replace"): validate_replace,
}

EFFECTS = {
    ("IncomingDocument", "register"): apply_register,
    ("IncomingDocument", "assign"): apply_assign,
    ("IncomingDocument", "reassign"): apply_reassign,
    ("IncomingDocument", "complete"): apply_complete,
    ("IncomingDocument", "reopen"): apply_reopen,
    ("IncomingDocument", "accept_recall"): apply_accept_recall,
    ("IncomingDocument", "refuse_recall"): apply_refuse_recall,
    ("OutgoingDocument", "sign"): apply_sign,
    ("OutgoingDocument", "issue"): apply_issue,
    ("OutgoingDocument", "recall"): apply_recall,
}


# -- subscribers ------------------------------------------------------------------------


def before_transition(document, event):
    """Refuse a transition whose data is missing or wrong."""
    if event.transition is None:  # the initial state, at creation
        return
    key = (document.portal_type, event.transition.id)
    validator = VALIDATORS.get(key)
    kwargs = event.kwargs if event.kwargs is not None else {}
    data = kwargs.get("data") or {}
    if not isinstance(data, dict):
        raise TransitionDataError(
            _("error_data_shape", default="Transition data must be an object.")
        )
    prepared = validator(document, data, kwargs.get("comment", "")) if validator else {}
    kwargs[PREPARED] = prepared


def after_transition(document, event):
    """Apply the transition, record it, refresh roles and the catalog."""
    if event.transition is None:
        return
    kwargs = event.kwargs if event.kwargs is not None else {}
    comment = kwargs.get("comment", "")
    key = (document.portal_type, event.transition.id)
    effect = EFFECTS.get(key)
    details = effect(document, kwargs.get(PREPARED, {}), comment) if effect else {}
    record(
        document,
        event.transition.id,
        comment=comment,
        state=event.new_state.id,
        **details,
    )
    update_local_roles(document, reindex=False)
    reindex_security(document)
    document.reindexObject()
    logger.info(
        "%s: %s -> %s by %s",
        "/".join(document.getPhysicalPath()),
        event.transition.id,
        event.new_state.id,
        _current_user_id(),
    )
