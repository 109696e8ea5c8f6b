"""Site settings of daily work that profile XML cannot say.

* "Phát hành" is what a clerk does to an official document: Plone's
  workflow of news and pages says "Publish", which Plone's Vietnamese
  catalogue translates "Phát hành". Its titles become "Publish on the
  portal" and the like, translated "Xuất bản" (locales_plone), without
  shipping a copy of Plone's workflow.
* The add menu offers only what belongs where: the news and
  announcements folders take news, pages and files, not agencies or
  forms; forms live in the forms folder.
"""

from plone import api
from plone.base.interfaces.constrains import ENABLED
from plone.base.interfaces.constrains import ISelectableConstrainTypes

import logging

logger = logging.getLogger("phutho.intranet.work")

PUBLICATION_WORKFLOW = "simple_publication_workflow"
# state or transition id -> (title, action label or None, description or None)
PUBLICATION_STATES = {
    "published": ("Published on the portal", None),
}
PUBLICATION_TRANSITIONS = {
    "publish": (
        "Publish on the portal",
        "Publish on the portal",
        "Publishing on the portal makes the item visible to its readers.",
    ),
    "submit": (
        "Submit for review before publishing",
        "Submit for review before publishing",
        "Puts the item in the reviewers' queue before it is published on the "
        "portal.",
    ),
    "reject": (
        "Reviewer sends content back for re-drafting",  # Plone's own
        None,
        "Sending the item back returns it to its author unpublished; say why.",
    ),
}

# folder id -> the types it takes (what its add menu offers)
FOLDER_TYPES = {
    "tin-tuc": ("News Item", "Image", "File", "Link"),
    "thong-bao": ("News Item", "Document", "File", "Image", "Link"),
    "bieu-mau": ("EasyForm", "Document"),
}


def publication_titles(portal=None):
    """Give Plone's publication workflow the "xuất bản" titles; returns
    how many titles changed."""
    wftool = api.portal.get_tool("portal_workflow")
    workflow = wftool.get(PUBLICATION_WORKFLOW)
    if workflow is None:
        return 0
    changed = 0
    for state_id, (title, description) in PUBLICATION_STATES.items():
        state = workflow.states.get(state_id)
        if state is not None and state.title != title:
            state.title = title
            changed += 1
    for transition_id, (title, label, description) in PUBLICATION_TRANSITIONS.items():
        transition = workflow.transitions.get(transition_id)
        if transition is None:
            continue
        if transition.title != title:
            transition.title = title
            changed += 1
        if label and transition.actbox_name != label:
            transition.actbox_name = label
            changed += 1
        if description and transition.description != description:
            transition.description = description
            changed += 1
    if changed:
        logger.info("Publication workflow: %d titles now say xuất bản", changed)
    return changed


def constrain_folders(portal=None):
    """The news, announcements and forms folders offer only their types."""
    portal = portal or api.portal.get()
    constrained = []
    # Plone checks the types against what the current user may add: as a
    # Manager, whoever runs the upgrade or the import.
    with api.env.adopt_roles(["Manager"]):
        for folder_id, types in FOLDER_TYPES.items():
            folder = portal.get(folder_id)
            constraints = ISelectableConstrainTypes(folder, None)
            if constraints is None:
                continue
            constraints.setConstrainTypesMode(ENABLED)
            constraints.setLocallyAllowedTypes(list(types))
            constraints.setImmediatelyAddableTypes(list(types))
            constrained.append(folder_id)
    return constrained


def install(portal=None):
    """Everything above (install, upgrade 1007, the demo)."""
    publication_titles(portal)
    return constrain_folders(portal)
