"""Duplicate warning (Decree 30/2020, Appendix VI): an incoming document that
repeats a registered one, same number and symbol from the same agency."""

from phutho.intranet.content.indexers import duplicate_key
from plone import api


# States in which an incoming document counts as registered.
REGISTERED_STATES = ("registered", "submitted", "assigned", "in_progress", "completed")


def find_duplicates(agency, number_symbol, sender_organ_id=None, sender_name=None, exclude_uid=None):
    """Return catalog brains of registered incoming documents of ``agency``
    that the given data repeats.

    The search is unrestricted (a secret document is a duplicate too); show
    callers only what they may see.
    """
    key = duplicate_key(agency.UID(), number_symbol, sender_organ_id, sender_name)
    if not key:
        return []
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(
        number_symbol_key=key,
        review_state=REGISTERED_STATES,
    )
    return [b for b in brains if b.UID != exclude_uid]
