"""Duplicate warning (Decree 30/2020, Appendix VI): an incoming document that
repeats a registered one, same number and symbol from the same agency."""

from phutho.intranet import _
from phutho.intranet.content.indexers import duplicate_key
from phutho.intranet.exc import DuplicateError
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


def check_duplicates(
    agency,
    number_symbol,
    sender_organ_id=None,
    sender_name=None,
    exclude_uid=None,
    allow_duplicate=False,
):
    """Refuse an incoming document that repeats a registered one.

    Raises :class:`DuplicateError` (on the ``allow_duplicate`` field,
    carrying the registered documents) unless ``allow_duplicate`` is
    exactly True: the add form, ``POST /<agency>`` and the ``register``
    transition all ask here and only say it their way (a field error, 409).
    """
    if allow_duplicate is True:
        return
    duplicates = find_duplicates(
        agency, number_symbol, sender_organ_id, sender_name, exclude_uid
    )
    if duplicates:
        raise DuplicateError(
            _(
                "error_duplicate",
                default="A document with this number and symbol (${number_symbol}) "
                "from this agency is already registered. To record it anyway, "
                "confirm it (allow_duplicate: true).",
                mapping={"number_symbol": number_symbol or ""},
            ),
            field="allow_duplicate",
            duplicates=duplicates,
        )
