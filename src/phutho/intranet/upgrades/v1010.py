"""1009 → 1010: drafts of the province's first hours of a year filed by
their own year.

``document_year`` of an outgoing document not yet issued is the year it
was made; it was read in the server's zone, so on a server running in UTC
a draft made between 00:00 and 07:00 on 1 January (province time) was
filed under the year before. Only those can be wrong: they are indexed
again, nothing else is touched.
"""

from DateTime import DateTime
from phutho.intranet.dates import TIMEZONE
from phutho.intranet.dates import today
from plone import api

import datetime
import logging

logger = logging.getLogger("phutho.intranet.upgrades")

FIRST_YEAR = 2000  # no intranet document is older


def first_hours(year):
    """The created-date range that UTC reads as the year before ``year``."""
    start = TIMEZONE.localize(datetime.datetime(year, 1, 1))
    return {
        "query": (DateTime(start.isoformat()), DateTime(start.isoformat()) + 7 / 24.0),
        "range": "min:max",
    }


def reindex_new_year_drafts(context=None):
    """Index ``document_year`` again for outgoing documents made in the
    first seven hours of a year."""
    catalog = api.portal.get_tool("portal_catalog")
    count = 0
    # Up to next year's: a server's clock may be behind the province's.
    for year in range(FIRST_YEAR, today().year + 2):
        for brain in catalog.unrestrictedSearchResults(
            portal_type="OutgoingDocument", created=first_hours(year)
        ):
            brain._unrestrictedGetObject().reindexObject(idxs=["document_year"])
            count += 1
    logger.info("document_year indexed again for %d drafts of 1 January", count)
    return count
