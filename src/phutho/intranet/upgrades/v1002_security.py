"""Upgrade to 1002, the security part (issue 8, leaks and theming).

* The Diazo theme applies at every host name: plone.app.theming leaves
  127.0.0.1, the address ``make run`` serves, unthemed by default.
* Secret documents get neutral ids (see :mod:`phutho.intranet.protect.names`);
  their old addresses are not kept as redirects.
* Agencies, units, registers and period folders name no creator in the
  catalog (see :mod:`phutho.intranet.protect.people`).

The rolemap (who may list members and use content pickers) is imported
by the step's ``upgradeDepends``.
"""

from phutho.intranet.protect.names import give_neutral_name
from phutho.intranet.protect.names import needs_neutral_name
from phutho.intranet.protect.people import SKELETON_TYPES
from phutho.intranet.upgrades.v1001 import cataloged
from plone import api
from plone.app.theming.interfaces import IThemeSettings

import logging

logger = logging.getLogger("phutho.intranet.upgrades")

SECRET_LEVELS = ["confidential", "secret", "top_secret"]


def theme_every_host(context):
    """Empty plone.app.theming's list of unthemed host names."""
    api.portal.set_registry_record("hostnameBlacklist", [], interface=IThemeSettings)
    logger.info("The theme now applies at every host name")


def rename_secret_documents(context):
    """Give every secret document whose id may tell its title a neutral id."""
    # Collected first: renaming changes the catalog being read.
    documents = [
        document
        for document in cataloged(secrecy=SECRET_LEVELS)
        if needs_neutral_name(document)
    ]
    for document in documents:
        give_neutral_name(document)
    logger.info("Gave %d secret documents a neutral id", len(documents))


def reindex_skeleton_creators(context):
    """Re-catalog the creators of agencies, units, registers and period
    folders (now none)."""
    count = 0
    for obj in cataloged(list(SKELETON_TYPES)):
        obj.reindexObject(idxs=["Creator"])  # metadata too
        count += 1
    logger.info("Re-cataloged the creators of %d folders", count)
