"""1008 → 1009: answers to signed-in people are never cached.

Searches, collections and the REST API's answers (plone.app.caching's
``plone.content.dynamic`` rule) had a shared maximum age of 0, with which
plone.app.caching does not consider them cacheable at all and so never
marks a signed-in person's answer private: it went out as ``max-age=10,
public``. With a shared maximum age they are private with no age for
signed-in people, ten seconds for anonymous visitors.
"""

from phutho.intranet.upgrades.v1008_caching import import_registry_files


def private_dynamic_answers(context=None):
    """Import our caching settings again (only that file)."""
    import_registry_files(("caching.xml",))
