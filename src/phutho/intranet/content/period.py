"""Period folders: the hidden year/month containers that keep folders small.

Documents of an agency live in ``<agency>/van-ban-den/<yyyy>/<mm>/``,
``<agency>/van-ban-di/<yyyy>/<mm>/`` and case files in
``<agency>/ho-so/<yyyy>/``. Users never create these folders: they add
documents to the agency and :mod:`phutho.intranet.content.storage` files them.
"""

from plone.dexterity.content import Container
from plone.supermodel import model
from zope.interface import implementer


class IPeriodFolder(model.Schema):
    """A year or month container (or the top archive folder)."""


@implementer(IPeriodFolder)
class PeriodFolder(Container):
    """Container of documents for one period."""

    exclude_from_nav = True
    # A month may hold thousands of documents; the default ordering keeps a
    # list of every id and rewrites it on each add (O(n) bytes per document).
    # Nobody orders these folders by hand, so keep none.
    _ordering = "unordered"

    def notifyModified(self):
        """Keep no modification date: a document filed here is no change of
        the folder. Plone reindexes a container when an item is added, which
        rewrote the folder's date each time, so any two documents filed in
        one month at once conflicted (a retried request, and no merge)."""
