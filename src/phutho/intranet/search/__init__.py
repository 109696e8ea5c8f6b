"""Search that ignores Vietnamese diacritics and case, and reads attached files.

- :mod:`.normalize` folds text ("Đường" -> "duong");
- :mod:`.lexicon` holds the pipeline elements of ``phutho_lexicon``, which
  catalog.xml sets up and :mod:`.setup` puts under Plone's text indexes;
- :mod:`.extract` reads PDF, DOCX and ODT files within limits, and
  :mod:`.cache` keeps what it read on the file;
- :mod:`.indexers` and :mod:`.subscribers` build and refresh SearchableText.
"""

# The lexicon elements must be registered before a profile creates the
# lexicon; ZCML loading imports this package first.
from phutho.intranet.search import lexicon  # noqa: F401
