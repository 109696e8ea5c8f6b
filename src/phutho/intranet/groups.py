"""Groups per agency and unit, and the local roles they carry.

Following IMIO's model, people get roles only through groups, and groups
get roles only locally: ``<agency>-clerks`` holds Clerk (Văn thư) on its
agency, ``<agency>-<unit>-specialists`` holds Specialist (Chuyên viên) on its
unit, and so on. Nothing is granted site-wide. Webmasters manage who is in
which group (Users and Groups, or ``@groups`` in the REST API).

Every agency and unit group also holds Official (Cán bộ) on the agency:
the base role of "works here", which lets its members draft documents.
Those groups are also members of ``<agency>-officials``, the one group
documents name for "everyone who works here": documents block role
inheritance, and a unit added later joins that group instead of needing
its groups written onto every existing document.
"""

from Acquisition import aq_base
from phutho.intranet import _
from phutho.intranet.content.unit import IUnit
from phutho.intranet.content.utils import find_agency
from phutho.intranet.content.utils import same_object
from plone import api
from plone.app.workflow.interfaces import ILocalrolesModifiedEvent
from zope.container.interfaces import IContainerModifiedEvent
from zope.i18n import translate
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

import logging

logger = logging.getLogger("phutho.intranet.groups")

# function id -> (title, local roles on the agency)
AGENCY_FUNCTIONS = {
    "clerks": (_("group_clerks", default="Clerks (Văn thư)"), ("Clerk", "Official")),
    "leaders": (
        _("group_leaders", default="Leaders (Lãnh đạo)"),
        ("Leader", "Official"),
    ),
    "secret-clerks": (
        _("group_secret_clerks", default="Clerks of secret registers (Văn thư sổ mật)"),
        ("Clerk", "Official"),
    ),
}

# function id -> (title, local roles on the unit)
UNIT_FUNCTIONS = {
    "heads": (
        _("group_heads", default="Heads of unit (Lãnh đạo phòng)"),
        ("UnitHead",),
    ),
    "specialists": (
        _("group_specialists", default="Specialists (Chuyên viên)"),
        ("Specialist",),
    ),
}

# The agency-wide group of all its other groups (see the module docstring).
OFFICIALS = "officials"
OFFICIALS_TITLE = _("group_officials", default="Officials (Cán bộ)")

# Documents carry their own roles; what inherits the agency's are these.
INHERITING_TYPES = ("Agency", "Unit", "DocumentRegister", "PeriodFolder", "CaseFile")


def group_prefix(obj):
    """Stable prefix of an agency's or unit's group ids.

    Set once when the groups are created, so that renaming the object
    later does not orphan its groups.
    """
    # aq_base: a unit would otherwise acquire its agency's prefix.
    prefix = getattr(aq_base(obj), "group_prefix", None)
    if prefix:
        return prefix

    if IUnit.providedBy(obj):
        return f"{group_prefix(find_agency(obj))}-{obj.getId()}"
    return obj.getId()


def agency_group_id(agency, function):
    """Id of an agency group, e.g. ``so-khcn-clerks``."""
    if function not in AGENCY_FUNCTIONS and function != OFFICIALS:
        raise ValueError(f"Unknown agency function {function!r}")
    return f"{group_prefix(agency)}-{function}"


def unit_group_id(unit, function):
    """Id of a unit group, e.g. ``so-khcn-vp-specialists``."""
    if function not in UNIT_FUNCTIONS:
        raise ValueError(f"Unknown unit function {function!r}")
    return f"{group_prefix(unit)}-{function}"


def _ensure_group(group_id, title):
    """Create the group, or give it ``title`` when the agency or unit it
    stands for was renamed (its id never changes)."""
    group = api.group.get(groupname=group_id)
    if group is None:
        group = api.group.create(groupname=group_id, title=title)
        logger.info("Created group %s", group_id)
    elif group.getProperty("title") != title:
        group.setGroupProperties({"title": title})
        logger.info("Renamed group %s to %r", group_id, title)
    return group


def _grant(obj, group_id, roles):
    current = set(obj.get_local_roles_for_userid(group_id))
    wanted = current | set(roles)
    if wanted != current:
        obj.manage_setLocalRoles(group_id, sorted(wanted))
        return True
    return False


def _join(group_id, container_group_id):
    """Make group ``group_id`` a member of ``container_group_id``
    (PAS does nothing when it already is)."""
    api.portal.get_tool("portal_groups").addPrincipalToGroup(
        group_id, container_group_id
    )


def ensure_agency_groups(agency, grant=True):
    """Create the agency's groups (if missing, else keep their titles in
    step with its name) and, with ``grant``, their memberships and local
    roles."""

    if not getattr(aq_base(agency), "group_prefix", None):
        agency.group_prefix = group_prefix(agency)
    officials = agency_group_id(agency, OFFICIALS)
    _ensure_group(
        officials,
        f"{translate(OFFICIALS_TITLE, target_language='vi')} - {agency.Title()}",
    )
    changed = False
    for function, (title, roles) in AGENCY_FUNCTIONS.items():
        group_id = agency_group_id(agency, function)
        label = f"{translate(title, target_language='vi')} - {agency.Title()}"
        _ensure_group(group_id, label)
        if grant:
            _join(group_id, officials)
            changed |= _grant(agency, group_id, roles)
    for unit in agency.objectValues():
        if IUnit.providedBy(unit):
            changed |= ensure_unit_groups(unit, reindex=False, grant=grant)
    if changed:
        reindex_agency_security(agency)


def reindex_agency_security(agency):
    """Reindex who may view what inherits the agency's roles.

    Not ``reindexObjectSecurity``: that walks every document below, and
    documents carry their own roles (they block inheritance).
    """
    catalog = api.portal.get_tool("portal_catalog")
    path = "/".join(agency.getPhysicalPath())
    for brain in catalog.unrestrictedSearchResults(
        path=path, portal_type=INHERITING_TYPES
    ):
        brain._unrestrictedGetObject().reindexObject(idxs=["allowedRolesAndUsers"])


def ensure_unit_groups(unit, reindex=True, grant=True):
    """Create the unit's groups (if missing) and grant their local roles:
    their function's role on the unit, Official on the agency."""

    agency = find_agency(unit)
    if not getattr(aq_base(unit), "group_prefix", None):
        unit.group_prefix = group_prefix(unit)
    officials = agency_group_id(agency, OFFICIALS)
    # Missing only on a site not yet upgraded to 1001 (its upgrade joins).
    join = grant and api.group.get(groupname=officials) is not None
    changed = False
    for function, (title, roles) in UNIT_FUNCTIONS.items():
        group_id = unit_group_id(unit, function)
        label = f"{translate(title, target_language='vi')} - {unit.Title()} - {agency.Title()}"
        _ensure_group(group_id, label)
        if not grant:
            continue
        changed |= _grant(unit, group_id, roles)
        changed |= _grant(agency, group_id, ("Official",))
        if join:
            _join(group_id, officials)
    if changed and reindex:
        reindex_agency_security(agency)
    return changed


def _delete_groups(group_ids):
    for group_id in group_ids:
        if api.group.get(groupname=group_id) is not None:
            api.group.delete(groupname=group_id)
            logger.info("Deleted group %s", group_id)


def _leave_agency(unit, agency):
    """Take the unit's groups out of ``agency``: out of its officials group,
    and without the Official role they held on it."""
    officials = agency_group_id(agency, OFFICIALS)
    portal_groups = api.portal.get_tool("portal_groups")
    group_ids = [unit_group_id(unit, function) for function in UNIT_FUNCTIONS]
    if api.group.get(groupname=officials) is not None:  # (before 1001: none)
        for group_id in group_ids:  # PAS does nothing for a non-member
            portal_groups.removePrincipalFromGroup(group_id, officials)
    held = [
        group_id
        for group_id in group_ids
        if agency.get_local_roles_for_userid(group_id)
    ]
    if held:
        agency.manage_delLocalRoles(held)
        reindex_agency_security(agency)


def _agency_of(container):

    return find_agency(container) if container is not None else None


def on_unit_removed(unit, event):
    """A deleted unit's groups leave the agency and are deleted: its people
    no longer work there as its staff."""
    agency = _agency_of(event.oldParent)
    if agency is None:
        return  # the whole agency is being deleted: see on_agency_removed
    _leave_agency(unit, agency)
    _delete_groups(unit_group_id(unit, function) for function in UNIT_FUNCTIONS)


def on_unit_moved(unit, event):
    """A unit moved to another agency takes its groups (same ids) along."""

    if event.oldParent is None or event.newParent is None:
        return  # added or removed, not moved
    old, new = _agency_of(event.oldParent), _agency_of(event.newParent)
    if old is None or new is None or same_object(old, new):
        return
    _leave_agency(unit, old)
    ensure_unit_groups(unit)


def on_agency_removed(agency, event):
    """A deleted agency's groups are deleted, so that an agency created
    later with the same id does not inherit its people."""
    _delete_groups([*agency_group_ids(agency), agency_group_id(agency, OFFICIALS)])


def agency_group_ids(agency):
    """All group ids of an agency, its units' included."""

    ids = [agency_group_id(agency, function) for function in AGENCY_FUNCTIONS]
    for unit in agency.objectValues():
        if IUnit.providedBy(unit):
            ids.extend(unit_group_id(unit, function) for function in UNIT_FUNCTIONS)
    return ids


def group_member_ids(group_id):
    """User ids in a group (empty when the group does not exist)."""
    portal_groups = api.portal.get_tool("portal_groups")
    group = portal_groups.getGroupById(group_id)
    if group is None:
        return []
    return list(group.getMemberIds())


def agency_user_ids(agency):
    """Ids of the people who work in an agency (members of its groups)."""
    result = set()
    for group_id in agency_group_ids(agency):
        result.update(group_member_ids(group_id))
    return result


def on_agency_added(agency, event):
    ensure_agency_groups(agency)


def on_unit_added(unit, event):
    ensure_unit_groups(unit)


def on_renamed(obj, event):
    """Keep group titles in step with the agency's or unit's name.

    Titles only: roles and memberships are the webmaster's once set (a
    change in the Sharing tab is a modification too). A child added to or
    removed from the agency changes no name either.
    """

    if IContainerModifiedEvent.providedBy(event) or ILocalrolesModifiedEvent.providedBy(
        event
    ):
        return
    if IUnit.providedBy(obj):
        ensure_unit_groups(obj, grant=False)
    else:
        ensure_agency_groups(obj, grant=False)


def protect_secret_register(register):
    """A secret register is seen only by its clerks and the leaders.

    Ordinary clerks hold Clerk on the whole agency; a secret register does
    not inherit it and names its own people instead.
    """

    agency = find_agency(register)
    secret = bool(register.secret)
    wanted = {}
    if secret:
        wanted = {
            agency_group_id(agency, "secret-clerks"): {"Clerk"},
            agency_group_id(agency, "leaders"): {"Leader"},
        }
    register.__ac_local_roles_block__ = secret or None
    for principal in set(dict(register.get_local_roles())) | set(wanted):
        current = set(register.get_local_roles_for_userid(principal))
        new = (current - {"Clerk", "Leader"}) | wanted.get(principal, set())
        if new == current:
            continue
        if new:
            register.manage_setLocalRoles(principal, sorted(new))
        else:
            register.manage_delLocalRoles([principal])
    register.reindexObjectSecurity()


def on_register_changed(register, event):
    protect_secret_register(register)


def on_copied(obj, event):
    """A copy gets groups of its own, not the original's."""
    obj.__dict__.pop("group_prefix", None)


@provider(IVocabularyFactory)
def AgencyUserVocabulary(context):
    """Officials of the context's agency: members of its groups."""
    agency = find_agency(context)
    if agency is None:
        return SimpleVocabulary([])
    terms = []
    for user_id in sorted(agency_user_ids(agency)):
        user = api.user.get(userid=user_id)
        fullname = user.getProperty("fullname") if user is not None else ""
        terms.append(SimpleTerm(user_id, token=user_id, title=fullname or user_id))
    return SimpleVocabulary(terms)
