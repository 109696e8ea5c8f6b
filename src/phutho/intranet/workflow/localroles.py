"""The document × group × role matrix (IMIO's model).

Documents block local-role inheritance: who may see or touch a document is
decided here, from the document's own data (agency, secrecy, drafting
unit, assignments), and the workflow state then maps those roles to
permissions. The catalog indexes the result (allowedRolesAndUsers), so a
secret document never shows in anyone else's listings or searches.
"""

from phutho.intranet.content.incoming import IIncomingDocument
from phutho.intranet.content.outgoing import IOutgoingDocument
from phutho.intranet.content.utils import agency_unit
from phutho.intranet.content.utils import find_agency
from phutho.intranet.groups import agency_group_id
from phutho.intranet.groups import OFFICIALS
from phutho.intranet.groups import unit_group_id
from phutho.intranet.workflow.assignment import assignments_of

import logging

logger = logging.getLogger("phutho.intranet.localroles")

# Roles this module owns on documents; others (Owner, roles a Manager set
# by hand in the sharing tab) are left alone.
MANAGED_ROLES = frozenset(
    {"Clerk", "Leader", "UnitHead", "Specialist", "Reader", "Official"}
)


def is_secret(document):
    """True for Mật, Tối mật and Tuyệt mật."""
    return (getattr(document, "secrecy", None) or "normal") != "normal"


def assignment_roles(document):
    """Roles given by the document's assignments (văn bản đến).

    Open assignments carry the work: the lead unit's heads are UnitHead,
    a lead or handler person is Specialist, co-ordinators are Reader.
    Closed ones (completed, or re-assigned to someone else) keep Reader,
    so people still see what they handled.
    """
    roles = {}
    agency = find_agency(document)
    for entry in assignments_of(document):
        if entry.get("closed"):
            role = "Reader"
        elif entry["role"] == "coordinator":
            role = "Reader"
        else:
            role = "UnitHead" if entry["kind"] == "unit" else "Specialist"
        if entry["kind"] == "unit":
            # Only the document's agency's units get a role here.
            unit = agency_unit(agency, entry["id"])
            if unit is None:
                continue
            principal = unit_group_id(unit, "heads")
        else:
            principal = entry["id"]
        roles.setdefault(principal, set()).add(role)
    return roles


def compute_local_roles(document):
    """Return ``{principal id: set(roles)}`` the document should carry."""
    agency = find_agency(document)
    if agency is None:
        return {}
    secret = is_secret(document)
    roles = {}

    def grant(principal, role):
        roles.setdefault(principal, set()).add(role)

    grant(agency_group_id(agency, "secret-clerks" if secret else "clerks"), "Clerk")
    grant(agency_group_id(agency, "leaders"), "Leader")
    if not secret:
        # Officials of the agency see what the workflow shows them (issued
        # outgoing documents); secret documents only their named people.
        # One stable group: units added later are in it too.
        grant(agency_group_id(agency, OFFICIALS), "Official")
    if IOutgoingDocument.providedBy(document):
        unit = agency_unit(agency, document.drafting_unit)
        if unit is not None:
            grant(unit_group_id(unit, "heads"), "UnitHead")
    if IIncomingDocument.providedBy(document):
        for principal, extra in assignment_roles(document).items():
            roles.setdefault(principal, set()).update(extra)
    return roles


def update_local_roles(document, reindex=True):
    """Block inheritance and set the managed local roles of ``document``.

    Idempotent: run it whenever what the roles depend on changes.
    """
    document.__ac_local_roles_block__ = True
    wanted = compute_local_roles(document)
    current = dict(document.get_local_roles())
    changed = False
    for principal in set(current) | set(wanted):
        have = set(current.get(principal, ()))
        keep = have - MANAGED_ROLES
        new = keep | wanted.get(principal, set())
        if new == have:
            continue
        changed = True
        if new:
            document.manage_setLocalRoles(principal, sorted(new))
        else:
            document.manage_delLocalRoles([principal])
    if changed and reindex:
        reindex_security(document)
    return changed


def reindex_security(document):
    """Reindex who may view the document and its annexes.

    Like ``reindexObjectSecurity`` but without its catalog path query:
    a document's only sub-objects are its annexes, direct children.
    """
    document.reindexObject(idxs=["allowedRolesAndUsers"])
    for child in document.objectValues():
        child.reindexObject(idxs=["allowedRolesAndUsers"])


def on_document_changed(document, event):
    """Subscriber: keep local roles in step with the document's data."""
    update_local_roles(document)
