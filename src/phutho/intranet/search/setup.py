"""Point Plone's text indexes at ``phutho_lexicon``, and back.

catalog.xml creates the lexicon, but GenericSetup leaves the lexicon of an
existing ZCTextIndex alone (its importer compares only indexed attributes),
and Plone's SearchableText, Title and Description exist before our profile
runs. So the switch is made here, and the switched indexes are rebuilt.
"""

from Products.CMFCore.utils import getToolByName
from Products.ZCatalog.ProgressHandler import ZLogHandler

import logging

logger = logging.getLogger(__name__)

LEXICON_ID = "phutho_lexicon"
PLONE_LEXICON_ID = "plone_lexicon"
TEXT_INDEXES = ("SearchableText", "Title", "Description")


def install(portal):
    """Run after the default profile: fold diacritics in text searches."""
    return use_lexicon(portal, LEXICON_ID)


def uninstall(portal):
    """Run after the uninstall profile: back to Plone's lexicon."""
    return use_lexicon(portal, PLONE_LEXICON_ID)


def use_lexicon(portal, lexicon_id):
    """Make the text indexes use ``lexicon_id``; rebuild those that change.

    An index is also rebuilt when its lexicon was emptied under it, which
    GenericSetup does when catalog.xml changes the lexicon's pipeline: the
    index then knows more words than the lexicon, which never forgets one.
    Returns the names of the rebuilt indexes.
    """
    catalog = getToolByName(portal, "portal_catalog")
    lexicon = catalog[lexicon_id]
    rebuilt = []
    for name in TEXT_INDEXES:
        index = catalog._catalog.getIndex(name)
        if index.lexicon_id == lexicon_id and index.numObjects() <= lexicon.length():
            continue
        index.lexicon_id = lexicon_id
        index.clear()
        rebuilt.append(name)
    if rebuilt:
        logger.info("Reindexing %s with %s", ", ".join(rebuilt), lexicon_id)
        catalog.reindexIndex(rebuilt, None, pghandler=ZLogHandler(1000))
    return rebuilt
