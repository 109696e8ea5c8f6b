"""Duplicate warning (Decree 30/2020, Appendix VI): an incoming document that
repeats a registered one, same number and symbol from the same agency."""

from phutho.intranet.content.indexers import duplicate_key
from plone import api

# States in which an incoming document counts as registered.
REGISTERED_STATES = ("registered", "submitted", "assigned", "in_progress", "completed")


def find_duplicates(
    agency, number_symbol, sender_organ_id=None, sender_name=None, exclude_uid=None
):
    """Return catalog brains of registered incoming documents of ``agency``
    that the given data repeats, among those the current user may see.

    Restricted on purpose: a secret document's clerks (who see it) are
    warned of its duplicates; anyone else would learn that it exists.
    """
    key = duplicate_key(agency.UID(), number_symbol, sender_organ_id, sender_name)
    if not key:
        return []
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.searchResults(
        number_symbol_key=key, review_state=REGISTERED_STATES
    )
    return [b for b in brains if b.UID != exclude_uid]
