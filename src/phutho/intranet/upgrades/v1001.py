"""Upgrade to 1001: period folders stopped keeping an order list.

Until 1000 a month folder kept, in an annotation, the list of every id it
holds (plone.folder's default ordering) and rewrote it on each new
document. The folders are unordered now; the stale lists only take space.
"""

from Acquisition import aq_base
from plone import api
from plone.folder.default import DefaultOrdering

import logging


logger = logging.getLogger("phutho.intranet.upgrades")


def drop_period_folder_order(context):
    """Remove the order annotations of every period folder."""
    catalog = api.portal.get_tool("portal_catalog")
    cleaned = 0
    for brain in catalog.unrestrictedSearchResults(portal_type="PeriodFolder"):
        folder = aq_base(brain._unrestrictedGetObject())
        annotations = getattr(folder, "__annotations__", None)
        if annotations is None:
            continue
        found = False
        for key in (DefaultOrdering.ORDER_KEY, DefaultOrdering.POS_KEY):
            if key in annotations:
                del annotations[key]
                found = True
        cleaned += found
    logger.info("Dropped the order lists of %d period folders", cleaned)
