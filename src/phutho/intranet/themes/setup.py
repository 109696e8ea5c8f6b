"""Theme install and uninstall hooks, called by setuphandlers.

``profiles/default/theme.xml`` applies and enables the theme; what XML
cannot express is here: the site root's front page (its layout), and
putting the stock theme and layout back on uninstall.
"""

from plone.app.theming.utils import applyTheme
from plone.app.theming.utils import getCurrentTheme
from plone.app.theming.utils import getTheme
from zope.annotation.interfaces import IAnnotations

import logging

logger = logging.getLogger("phutho.intranet.themes")

THEME_NAME = "phutho"
STOCK_THEME_NAME = "barceloneta"
FRONT_PAGE_LAYOUT = "portal-home"
PREVIOUS_LAYOUT_KEY = "phutho.intranet.themes.previous_layout"


def install(portal):
    """Make the front page the site root's view, remembering the view it
    replaces; reinstalling keeps the first remembered view."""
    if portal.getLayout() == FRONT_PAGE_LAYOUT:
        return
    IAnnotations(portal)[PREVIOUS_LAYOUT_KEY] = portal.getLayout()
    portal.setLayout(FRONT_PAGE_LAYOUT)
    logger.info("Site root layout set to %s", FRONT_PAGE_LAYOUT)


def uninstall(portal):
    """Put back Barceloneta (if our theme is still the current one) and the
    site root's previous view: ours disappears with the browser layer."""
    if getCurrentTheme() == THEME_NAME:
        applyTheme(getTheme(STOCK_THEME_NAME))
        logger.info("Theme %s applied again", STOCK_THEME_NAME)
    previous = IAnnotations(portal).pop(PREVIOUS_LAYOUT_KEY, None)
    if portal.getLayout() == FRONT_PAGE_LAYOUT:
        portal.setLayout(previous or portal.getDefaultLayout())
        logger.info("Site root layout set back to %s", portal.getLayout())
