"""Permissions per case file (Decree 30, Appendix VI: permissions per
document and case file).

A case file is seen by its agency's clerks and leaders and by whoever
keeps it (its workflow says so); its keeper may share it further: units
and people who may see it (Reader) and people who may add documents to
it (Editor, which the case-file workflow lets modify an open file). The
roles are local roles derived from the file's own fields, so the REST API
and the edit form share one rule; roles a webmaster set by hand in the
Sharing tab are left alone.
"""

from phutho.intranet.groups import unit_group_id
from plone.app.uuid.utils import uuidToObject

SHARED_ATTR = "_shared_roles"  # {principal: (roles,)} this module granted


def wanted_roles(casefile):
    """``{principal: set(roles)}`` the file's sharing fields ask for."""
    roles = {}
    for uid in casefile.reader_units or ():
        unit = uuidToObject(uid, unrestricted=True)
        if unit is None:
            continue
        for function in ("heads", "specialists"):
            roles.setdefault(unit_group_id(unit, function), set()).add("Reader")
    for user_id in casefile.readers or ():
        roles.setdefault(user_id, set()).add("Reader")
    for user_id in casefile.editors or ():
        roles.setdefault(user_id, set()).update(("Reader", "Editor"))
    return roles


def update_sharing(casefile):
    """Grant what the fields ask, withdraw what they no longer ask (only
    roles this module granted). Returns True when something changed."""
    granted = dict(getattr(casefile, SHARED_ATTR, None) or {})
    wanted = wanted_roles(casefile)
    changed = False
    for principal in set(granted) | set(wanted):
        current = set(casefile.get_local_roles_for_userid(principal))
        mine = set(granted.get(principal, ()))
        new = (current - mine) | wanted.get(principal, set())
        if new == current:
            continue
        changed = True
        if new:
            casefile.manage_setLocalRoles(principal, sorted(new))
        else:
            casefile.manage_delLocalRoles([principal])
    setattr(
        casefile,
        SHARED_ATTR,
        {principal: tuple(sorted(roles)) for principal, roles in wanted.items()},
    )
    if changed:
        casefile.reindexObjectSecurity()
    return changed


def on_casefile_changed(casefile, event):
    """Subscriber: keep the shared roles in step with the fields."""
    update_sharing(casefile)
