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
from phutho.intranet.dates import today
from phutho.intranet.groups import unit_group_id
from plone import api
from plone.app.uuid.utils import uuidToObject

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
            return uuidToObject(entry["id"], unrestricted=True)
    return None


def assignee_principals(document):
    """User and group ids named by open assignments (for the catalog)."""
    result = set()
    for entry in assignments_of(document, open_only=True):
        if entry["kind"] == "user":
            result.add(entry["id"])
        else:
            unit = uuidToObject(entry["id"], unrestricted=True)
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
