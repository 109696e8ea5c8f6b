"""Install and uninstall hooks. Configuration lives in the profiles' XML;
only what XML cannot express is here."""

from plone import api
from plone.base.interfaces import INonInstallable
from zope.interface import implementer

import logging

logger = logging.getLogger("phutho.intranet")

AGENCIES_FOLDER_ID = "co-quan"
AGENCIES_FOLDER_TITLE = "Cơ quan, đơn vị"


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        """Hide the uninstall profile from the add-ons control panel."""
        return ["phutho.intranet:uninstall"]


def agencies_folder(portal=None):
    """Return the folder holding the agencies, creating it if missing."""
    portal = portal or api.portal.get()
    folder = portal.get(AGENCIES_FOLDER_ID)
    if folder is None:
        folder = api.content.create(
            container=portal,
            type="Folder",
            id=AGENCIES_FOLDER_ID,
            title=AGENCIES_FOLDER_TITLE,
        )
        from plone.base.interfaces.constrains import ENABLED
        from plone.base.interfaces.constrains import ISelectableConstrainTypes

        constraints = ISelectableConstrainTypes(folder)
        constraints.setConstrainTypesMode(ENABLED)
        constraints.setLocallyAllowedTypes(["Agency"])
        constraints.setImmediatelyAddableTypes(["Agency"])
        if api.content.get_state(folder, default=None) == "private":
            api.content.transition(folder, transition="publish")
        logger.info("Created /%s", AGENCIES_FOLDER_ID)
    return folder


def post_install(context):
    """After the default profile: the agencies folder, the search lexicon
    (catalog.xml cannot switch existing indexes), the theme, daily work's
    settings (work/setup.py)."""
    from phutho.intranet.search import setup as search_setup
    from phutho.intranet.themes import setup as theme_setup
    from phutho.intranet.work import setup as work_setup

    portal = api.portal.get()
    agencies_folder(portal)
    search_setup.install(portal)
    theme_setup.install(portal)
    work_setup.install(portal)


def uninstall(context):
    """After the uninstall profile."""
    from phutho.intranet.search import setup as search_setup
    from phutho.intranet.themes import setup as theme_setup

    portal = api.portal.get()
    search_setup.uninstall(portal)
    theme_setup.uninstall(portal)
