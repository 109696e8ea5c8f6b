"""1007 → 1008: the add form of incoming documents proposes its fields
from the chosen file (issue 15).

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
