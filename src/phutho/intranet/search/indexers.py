"""SearchableText of documents, case files and files.

A document's text joins the fields users search on with the text of its
attached files and its annexes' SearchableText, so that a phrase from an
annex finds the document as well as the annex. Diacritics and case are left
as they are: the lexicon folds them (see :mod:`.lexicon`).
"""

from phutho.intranet.content.casefile import ICaseFile
from phutho.intranet.content.incoming import IIncomingDocument
from phutho.intranet.content.outgoing import IOutgoingDocument
from phutho.intranet.search.cache import file_text
from plone.app.contenttypes.indexers import SearchableText
from plone.app.contenttypes.indexers import SearchableText_file
from plone.app.contenttypes.interfaces import IFile
from plone.base.interfaces import IPloneCatalogTool
from plone.indexer import indexer

ANNEX = "Annex"


def _join(*parts):
    return " ".join(part for part in parts if part)


def _text_of(named_file, context):
    return file_text(named_file, context) if named_file else None


def _file_item_text(obj):
    """A File item's own fields and its file's text; Plone's indexer (with
    portal_transforms) for the formats we do not read."""
    text = _text_of(obj.file, obj)
    if text is None:
        return SearchableText_file(obj)()
    return _join(SearchableText(obj), text)


def _annex_texts(document):
    for child in document.objectValues():
        if child.portal_type == ANNEX:
            yield _file_item_text(child)


@indexer(IIncomingDocument)
def incoming_searchable_text(obj):
    return _join(
        obj.title,
        obj.description,
        obj.number_symbol,
        obj.sender_name,
        obj.signer_position,
        obj.signer_name,
        _text_of(obj.main_file, obj),
        *_annex_texts(obj),
    )


@indexer(IOutgoingDocument)
def outgoing_searchable_text(obj):
    return _join(
        obj.title,
        obj.description,
        obj.content,
        obj.symbol,
        obj.signer_position,
        obj.signer_name,
        _text_of(obj.draft_file, obj),
        _text_of(obj.signed_file, obj),
        *_annex_texts(obj),
    )


@indexer(ICaseFile)
def casefile_searchable_text(obj):
    return _join(obj.file_code, obj.title, obj.description)


# Registered for Plone's catalog so that it is more specific than
# plone.app.contenttypes' indexer for IFile (registered for any catalog),
# which it replaces for the formats we read: that one goes through
# portal_transforms, unbounded and without a cache.
@indexer(IFile, IPloneCatalogTool)
def file_searchable_text(obj):
    """Annexes, and any File item: its own fields and its file's text."""
    return _file_item_text(obj)
