"""1007 → 1008: the add form of incoming documents proposes its fields
from the chosen file, and Site Setup lists the reading settings (issue 15).

The script and its style are a bundle of Plone's resource registry
(``plone.bundles/phutho-proposals``, as ``profiles/default/registry.xml``
declares it for new sites). Only those records are written: importing the
whole registry step again would reset what webmasters changed (document
types, mail and reading settings).
"""

from plone.base.interfaces import IBundleRegistry
from plone.registry.interfaces import IRegistry
from zope.component import getUtility

import logging

logger = logging.getLogger("phutho.intranet.upgrades")

BUNDLE = "plone.bundles/phutho-proposals"
VALUES = {
    "enabled": True,
    "expression": "python: member is not None",
    "jscompilation": "++plone++phutho.intranet/proposals.js",
    "csscompilation": "++plone++phutho.intranet/proposals.css",
    "load_async": False,
    "load_defer": True,
}


def proposals_bundle(context):
    """Register the proposals bundle (again: its values are ours)."""
    registry = getUtility(IRegistry)
    registry.registerInterface(IBundleRegistry, prefix=BUNDLE)
    bundle = registry.forInterface(IBundleRegistry, prefix=BUNDLE, check=False)
    for name, value in VALUES.items():
        setattr(bundle, name, value)
    logger.info("Bundle %s registered", BUNDLE)


CONFIGLET = "phutho-reading"


def reading_configlet(context):
    """Site Setup's entry for ``@@reading-controlpanel`` (the profile's
    controlpanel.xml gives new sites the same)."""
    from plone import api
    from zope.i18nmessageid import Message

    tool = api.portal.get_tool("portal_controlpanel")
    if CONFIGLET in [action.getId() for action in tool.listActions()]:
        return
    tool.addAction(
        id=CONFIGLET,
        # A message of our domain, as controlpanel.xml's i18n:domain makes
        # it: Site Setup translates a plain title in Plone's.
        name=Message("Reading documents (OCR, signatures)", domain="phutho.intranet"),
        action="string:${portal_url}/@@reading-controlpanel",
        permission="Plone Site Setup: Site",
        category="plone-general",
        appId="phutho.intranet",
        icon_expr="string:file-earmark-text",
    )
