"""The portal's search with facets: words (diacritics and case folded by
the lexicon) plus the facets people narrow with — kind (incoming,
outgoing, case file, news…), document type, issuing agency, year, state.

One restricted catalog query finds the results; each facet's counts are
set intersections of that result set with the facet index's own sets of
record ids (C code in BTrees), so a facet costs no query and no object is
woken, whatever the size of the catalog.
"""

from BTrees.IIBTree import IISet
from BTrees.IIBTree import intersection
from phutho.intranet import _
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.reports.common import type_title
from phutho.intranet.search.advanced import one_value
from phutho.intranet.search.advanced import words
from plone import api
from zope.i18n import translate

# facet -> catalog index; the order they are shown in.
FACETS = (
    ("portal_type", "portal_type", _("facet_kind", default="Kind")),
    (
        "document_type",
        "document_type",
        _("label_document_type", default="Document type"),
    ),
    ("issuer", "issuer", _("facet_issuer", default="Issuing agency")),
    ("document_year", "document_year", _("facet_year", default="Year")),
    ("review_state", "review_state", _("label_search_state", default="State")),
)
FACET_INDEXES = {name: index for name, index, _title in FACETS}
FACET_LIMIT = 12  # values shown per facet, most frequent first
SORTS = {
    "relevance": None,
    "newest": ("created", "descending"),
    "title": ("sortable_title", "ascending"),
}
MAX_TEXT = 200


def prefixed(plain):
    """Each word of ``plain`` also as the start of longer ones, as Plone's
    search page does ("duo" finds "đường", "Nông thô" finds "Nông thôn"):
    people search as they type. A single character stays a whole word:
    its prefix would stand for a large part of the lexicon."""
    return " ".join(word if len(word) < 2 else word + "*" for word in plain.split())


def searchable_types():
    """The types the search covers: Plone's user-friendly types (Site
    Setup → Search decides), the documents always."""
    plone_utils = api.portal.get_tool("plone_utils")
    types = set(plone_utils.getUserFriendlyTypes())
    types.update(("IncomingDocument", "OutgoingDocument", "CaseFile"))
    return sorted(types)


def build_query(form, context=None):
    """``(query, chosen)`` from request parameters: ``SearchableText``
    (plain words), the facets' values, ``path`` (inside the portal),
    ``sort_on`` (relevance, newest, title). ``chosen`` is what was asked,
    as texts (the page's links and the API's answer)."""
    query, chosen = {}, {}
    text = one_value(form, "SearchableText")[:MAX_TEXT]
    plain = words(text) if text else None
    if plain:
        query["SearchableText"] = prefixed(plain)
        chosen["SearchableText"] = text
    for name, index in FACET_INDEXES.items():
        value = one_value(form, name)
        if not value:
            continue
        if name == "document_year":
            if not value.isdigit():
                raise InvalidDataError(
                    _("error_search_year", default="A year, e.g. 2026."), field=name
                )
            query[index] = int(value)
        else:
            query[index] = value
        chosen[name] = value
    types = searchable_types()
    if query.get("portal_type") not in (None, *types):
        raise InvalidDataError(
            _("error_search_choice", default="Not one of the choices."),
            field="portal_type",
        )
    query.setdefault("portal_type", types)
    path = one_value(form, "path")
    if path:
        portal_path = "/".join(api.portal.get().getPhysicalPath())
        if not (path == portal_path or path.startswith(portal_path + "/")):
            raise InvalidDataError(
                _("error_search_path", default="Search inside the portal."),
                field="path",
            )
        query["path"] = path
        chosen["path"] = path
    sort = one_value(form, "sort_on") or ("relevance" if plain else "newest")
    if sort not in SORTS:
        raise InvalidDataError(
            _("error_search_sort", default="sort on a catalog index."),
            field="sort_on",
        )
    if SORTS[sort] is not None:
        query["sort_on"], query["sort_order"] = SORTS[sort]
    chosen["sort_on"] = sort
    return query, chosen


def result_rids(results):
    """The record ids of a catalog result, without waking its brains.

    A LazyMap keeps its sequence of record ids (``(score, rid)`` pairs for
    a relevance-ranked text search); an empty result is a LazyCat.
    """
    sequence = getattr(results, "_seq", None)
    if sequence is None:
        return IISet([brain.getRID() for brain in results])
    return IISet([item[1] if isinstance(item, tuple) else item for item in sequence])


def _index_sets(index):
    """``(value, record ids)`` of a FieldIndex or KeywordIndex."""
    for value, rids in index._index.items():
        if isinstance(rids, int):
            rids = IISet((rids,))
        yield value, rids


def facet_counts(results, limit=FACET_LIMIT):
    """``{facet: [(value, count)]}``, most frequent first, of ``results``
    (a restricted catalog result: what the person may see)."""
    catalog = api.portal.get_tool("portal_catalog")._catalog
    rids = result_rids(results)
    counts = {}
    for name, index_id, _title in FACETS:
        found = []
        if rids:
            index = catalog.getIndex(index_id)
            for value, value_rids in _index_sets(index):
                number = len(intersection(rids, value_rids))
                if number:
                    found.append((value, number))
        found.sort(key=lambda item: (-item[1], str(item[0])))
        counts[name] = found[:limit]
    return counts


def search(form, context=None, start=0, size=20):
    """``(batch, total, chosen, counts)`` of a search by the current user:
    the brains of one batch, how many were found, what was asked and the
    facets' counts."""
    query, chosen = build_query(form, context)
    catalog = api.portal.get_tool("portal_catalog")
    if "sort_on" in query:
        # Sorted batches use the catalog's partial sort; the facets count
        # the unsorted result set of the same query.
        results = catalog(sort_limit=start + size, **query)
        unsorted = {k: v for k, v in query.items() if not k.startswith("sort_")}
        counts = facet_counts(catalog(**unsorted))
    else:  # ranked by relevance: one result serves both
        results = catalog(**query)
        counts = facet_counts(results)
    return (
        results[start : start + size],
        results.actual_result_count,
        chosen,
        counts,
    )


# Workflows whose state titles are in this package's catalogue; others'
# are Plone's.
OWN_WORKFLOWS = (
    "phutho_incoming_workflow",
    "phutho_outgoing_workflow",
    "phutho_casefile_workflow",
    "phutho_calendar_workflow",
)


class ValueTitles:
    """The titles people read for facet values, in the language served;
    remembers what it looked up for one page."""

    def __init__(self, request):
        self.request = request
        self._states = None

    def translate(self, message, domain="phutho.intranet"):
        return translate(message, domain=domain, context=self.request)

    def states(self):
        if self._states is None:
            wftool = api.portal.get_tool("portal_workflow")
            self._states = {}
            workflows = [wftool[w] for w in OWN_WORKFLOWS if w in wftool.objectIds()]
            workflows += [
                w for w in wftool.objectValues() if w.getId() not in OWN_WORKFLOWS
            ]
            for workflow in workflows:
                domain = (
                    "phutho.intranet" if workflow.getId() in OWN_WORKFLOWS else "plone"
                )
                for state in workflow.states.objectValues():
                    self._states.setdefault(
                        state.getId(), self.translate(state.title, domain)
                    )
        return self._states

    def __call__(self, facet, value):
        if facet == "portal_type":
            fti = api.portal.get_tool("portal_types").getTypeInfo(value)
            if fti is None:
                return value
            return self.translate(fti.Title(), fti.i18n_domain or "plone")
        if facet == "document_type":
            return type_title(value)
        if facet == "review_state":
            return self.states().get(value, value)
        return str(value)
