"""Assignments (phân công) of an incoming document: a lead (unit or person),
co-ordinators, instructions and a deadline for each.

Stored on the document as a persistent list of records:
``{"role": "lead"|"coordinator"|"handler", "kind": "unit"|"user",
"id": <unit UID or user id>, "deadline": date, "instructions": str,
"assigned_by": user id, "closed": bool}``. A "handler" is the person a
head of unit re-assigns the lead's work to. Local roles, the ``assignees``
index and overdue flags are all derived from these records.
"""

from datetime import date
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from phutho.intranet import _
from phutho.intranet.content.utils import agency_unit
from phutho.intranet.content.utils import find_agency
from phutho.intranet.dates import parse_date
from phutho.intranet.dates import today
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.groups import agency_user_ids
from phutho.intranet.groups import group_member_ids
from phutho.intranet.groups import unit_group_id
from phutho.intranet.workflow.data import text
from plone import api

ASSIGNMENTS_ATTR = "_assignments"
ROLES = ("lead", "coordinator", "handler")
KINDS = ("unit", "user")


def assignments_of(document, open_only=False):
    """Return the assignment records of ``document`` (oldest first)."""
    entries = [dict(e) for e in getattr(document, ASSIGNMENTS_ATTR, None) or ()]
    if open_only:
        entries = [e for e in entries if not e.get("closed")]
    return entries


def make_entry(role, kind, id, deadline, instructions="", assigned_by=None):
    """Build one record, checking its shape (not whether ``id`` exists)."""
    if role not in ROLES:
        raise ValueError(f"Unknown assignment role {role!r}")
    if kind not in KINDS:
        raise ValueError(f"Unknown assignee kind {kind!r}")
    if not id:
        raise ValueError("An assignee is required")
    if deadline is not None and not isinstance(deadline, date):
        raise ValueError("A deadline is a date")
    return PersistentMapping(
        role=role,
        kind=kind,
        id=id,
        deadline=deadline,
        instructions=instructions or "",
        assigned_by=assigned_by,
        closed=False,
    )


def replace_assignments(document, entries):
    """Close every open record and add ``entries`` (a new assignment)."""
    current = getattr(document, ASSIGNMENTS_ATTR, None)
    if current is None:
        current = PersistentList()
        setattr(document, ASSIGNMENTS_ATTR, current)
    for entry in current:
        entry["closed"] = True
    current.extend(entries)


def add_assignments(document, entries, close_roles=()):
    """Add ``entries``, closing open records whose role is in ``close_roles``."""
    current = getattr(document, ASSIGNMENTS_ATTR, None)
    if current is None:
        current = PersistentList()
        setattr(document, ASSIGNMENTS_ATTR, current)
    for entry in current:
        if entry["role"] in close_roles:
            entry["closed"] = True
    current.extend(entries)


# Marks the records a completion closed, so that reopening gives the work
# back to the same people.
CLOSED_BY_COMPLETION = "closed_by_completion"


def close_all(document, completion=False):
    """Close every open record; ``completion`` marks them as closed by it."""
    for entry in getattr(document, ASSIGNMENTS_ATTR, None) or ():
        if entry.get("closed"):
            continue
        entry["closed"] = True
        if completion:
            entry[CLOSED_BY_COMPLETION] = True


def reopen_completed(document):
    """Reopen the records the last completion closed; return them.

    Documents completed before completions were marked get their latest
    lead and handler back.
    """
    entries = list(getattr(document, ASSIGNMENTS_ATTR, None) or ())
    reopened = [e for e in entries if e.get(CLOSED_BY_COMPLETION)]
    if not reopened:
        # The latest lead, and a handler only if one was named after it (a
        # new lead's assignment ends the earlier handover).
        latest = {}
        for entry in entries:
            if entry["role"] == "lead":
                latest = {"lead": entry}
            elif entry["role"] == "handler":
                latest["handler"] = entry
        reopened = list(latest.values())
    for entry in reopened:
        entry["closed"] = False
        entry.pop(CLOSED_BY_COMPLETION, None)
    return reopened


def lead_unit(document):
    """The open lead unit of ``document`` (object), or None."""
    for entry in assignments_of(document, open_only=True):
        if entry["role"] == "lead" and entry["kind"] == "unit":
            return agency_unit(find_agency(document), entry["id"])
    return None


def assignee_principals(document):
    """User and group ids named by open assignments (for the catalog)."""
    result = set()
    agency = find_agency(document)
    for entry in assignments_of(document, open_only=True):
        if entry["kind"] == "user":
            result.add(entry["id"])
        else:
            unit = agency_unit(agency, entry["id"])
            if unit is not None:
                result.add(unit_group_id(unit, "heads"))
    return sorted(result)


def earliest_deadline(document):
    """The earliest deadline of open assignments, else the document's own."""
    deadlines = [
        e["deadline"]
        for e in assignments_of(document, open_only=True)
        if e.get("deadline")
    ]
    own = getattr(document, "processing_deadline", None)
    if own:
        deadlines.append(own)
    return min(deadlines) if deadlines else None


# Incoming states in which a deadline still counts: the work is not done,
# returned or withdrawn. Dashboards query the same list.
OPEN_STATES = ("received", "registered", "submitted", "assigned", "in_progress")


def is_overdue(document, state=None):
    """True when an open deadline has passed and the work is not done.

    ``state`` defaults to the document's workflow state."""
    if state is None:
        state = api.content.get_state(document, default=None)
    if state not in OPEN_STATES:
        return False
    deadline = earliest_deadline(document)
    return deadline is not None and deadline < today()


# -- reading an assignment from transition data ----------------------------
# ``{"lead": {"kind", "id", "deadline"}, "coordinators": [...],
# "deadline": ..., "instructions": ...}`` from a leader, or ``{"handler":
# <user id>, "deadline", "instructions"}`` from a head of unit.

# More co-ordinators than units in an agency is a mistake, not a plan.
MAX_COORDINATORS = 50


def check_deadline(deadline, field="deadline"):
    """Refuse a deadline before today (None passes: not every entry has one)."""
    if deadline is not None and deadline < today():
        raise InvalidDataError(
            _("error_deadline_past", default="A deadline cannot be in the past."),
            field=field,
        )
    return deadline


def _assignee_shape(field):
    return InvalidDataError(
        _(
            "error_assignee_shape",
            default='An assignee is an object {kind, id, deadline}: kind "unit" '
            "with the unit's UID, or \"user\" with the person's user id.",
        ),
        field=field,
    )


def parse_assignee(document, spec, role, assigned_by, instructions="", field="lead"):
    """Check one ``{"kind", "id", "deadline"}`` against the document's
    agency and make its record; refuses on ``field``."""
    if not isinstance(spec, dict):
        raise _assignee_shape(field)
    kind, principal = spec.get("kind"), spec.get("id")
    if not isinstance(principal, (str, type(None))):
        raise _assignee_shape(field)
    deadline = check_deadline(parse_date(spec.get("deadline"), "deadline"))
    agency = find_agency(document)
    if kind == "unit":
        if agency_unit(agency, principal) is None:
            raise InvalidDataError(
                _("error_unknown_unit", default="This unit is not in the agency."),
                field=field,
            )
    elif kind == "user":
        if principal not in agency_user_ids(agency):
            raise InvalidDataError(
                _(
                    "error_unknown_official",
                    default="${user} does not work in this agency.",
                    mapping={"user": principal or ""},
                ),
                field=field,
            )
    else:
        raise _assignee_shape(field)
    return make_entry(
        role,
        kind,
        principal,
        deadline,
        instructions=instructions,
        assigned_by=assigned_by,
    )


def parse_assignment(document, data, assigned_by):
    """A full assignment by a leader: a lead with a deadline, co-ordinators.

    Returns ``{"entries": [...], "instructions": str}``.
    """
    lead = data.get("lead")
    instructions = text(data.get("instructions"), "instructions")
    coordinators = data.get("coordinators") or []
    if not isinstance(coordinators, list) or len(coordinators) > MAX_COORDINATORS:
        raise _assignee_shape("coordinators")
    if not lead:
        raise InvalidDataError(
            _("error_lead_required", default="Assign a lead unit or person."),
            field="lead",
        )
    lead_entry = parse_assignee(document, lead, "lead", assigned_by, instructions)
    if lead_entry["deadline"] is None:
        lead_entry["deadline"] = check_deadline(parse_date(data.get("deadline")))
    if lead_entry["deadline"] is None:
        raise InvalidDataError(
            _("error_deadline_required", default="Give the lead a deadline."),
            field="deadline",
        )
    entries = [lead_entry]
    for spec in coordinators:
        entry = parse_assignee(
            document, spec, "coordinator", assigned_by, instructions, "coordinators"
        )
        entry["deadline"] = entry["deadline"] or lead_entry["deadline"]
        entries.append(entry)
    return {"entries": entries, "instructions": instructions}


def unit_people(unit):
    """User ids of a unit's specialists and heads."""
    members = set()
    for function in ("specialists", "heads"):
        members.update(group_member_ids(unit_group_id(unit, function)))
    return members


def parse_handover(document, data, assigned_by):
    """A head of the lead unit hands the work to one of its people.

    Returns the "handler" record.
    """
    unit = lead_unit(document)
    handler = text(data.get("handler"), "handler")
    if unit is None:
        raise InvalidDataError(
            _(
                "error_reassign_not_allowed",
                default="Only the lead unit's head may re-assign.",
            ),
            field="handler",
        )
    if handler not in unit_people(unit):
        raise InvalidDataError(
            _(
                "error_handler_not_in_unit",
                default="Re-assign inside the unit: ${user} is not one of its people.",
                mapping={"user": handler or ""},
            ),
            field="handler",
        )
    deadline = check_deadline(parse_date(data.get("deadline"))) or earliest_deadline(
        document
    )
    return make_entry(
        "handler",
        "user",
        handler,
        deadline,
        instructions=text(data.get("instructions"), "instructions"),
        assigned_by=assigned_by,
    )


def describe(entries):
    """Records as the processing history keeps them."""
    return [
        {
            "role": e["role"],
            "kind": e["kind"],
            "id": e["id"],
            "deadline": e["deadline"].isoformat() if e["deadline"] else None,
        }
        for e in entries
    ]
