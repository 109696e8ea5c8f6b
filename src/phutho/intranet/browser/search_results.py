"""``@@search``: the portal's search results, with facets.

In place of Plone's page (whose results say "Located in … / 2026 / Tháng
11/2026"), each result says what an official looks for: number and
symbol, document type, incoming or outgoing, the issuing agency, the date
and the state. Facets narrow by kind, document type, issuing agency, year
and state, each with its count (:mod:`phutho.intranet.work.facets`); the
words ignore diacritics and case. The advanced search of every field and
the saved searches (``@@advanced-search``, ``@@saved-searches``) are one
link away, carrying the words.
"""

from phutho.intranet import _
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.work import facets
from phutho.intranet.work.rows import Rows
from plone import api
from Products.Five.browser import BrowserView
from urllib.parse import urlencode
from zope.i18n import translate

PAGE_SIZE = 20
SORT_TITLES = {
    "relevance": _("sort_relevance", default="Relevance"),
    "newest": _("sort_newest", default="Newest first"),
    "title": _("sort_title", default="Title"),
}


class SearchResults(BrowserView):
    """The search page of the portal (and of an agency, with ``path``)."""

    def __call__(self):
        self.update()
        return self.index()

    @property
    def url(self):
        return f"{api.portal.get().absolute_url()}/@@search"

    def update(self):
        form = self.request.form
        self.error = None
        try:
            self.start = max(0, int(form.get("b_start") or 0))
        except ValueError:
            self.start = 0
        try:
            brains, self.total, self.chosen, counts = facets.search(
                form, self.context, self.start, PAGE_SIZE
            )
        except InvalidDataError as error:
            self.error = error.translated(self.request)
            brains, self.total, self.chosen, counts = [], 0, {}, {}
        self.text = self.chosen.get("SearchableText", "")
        rows = Rows()
        self.results = [self.result(rows, brain) for brain in brains]
        titles = facets.ValueTitles(self.request)
        self.facets = []
        for name, _index, title in facets.FACETS:
            values = counts.get(name) or []
            chosen = self.chosen.get(name)
            if not values and not chosen:
                continue
            self.facets.append(
                {
                    "id": name,
                    "title": translate(title, context=self.request),
                    "options": [
                        {
                            "title": titles(name, value),
                            "count": count,
                            "selected": str(value) == chosen,
                            "url": self.link(**{name: value, "b_start": None}),
                        }
                        for value, count in values
                    ],
                    "chosen_title": titles(name, chosen) if chosen else None,
                    "clear_url": self.link(**{name: None, "b_start": None}),
                }
            )

    def result(self, rows, brain):
        row = rows(brain)
        row["description"] = brain.Description or ""
        row["is_document"] = (
            row["direction"] is not None or brain.portal_type == "CaseFile"
        )
        if not row["is_document"]:
            row["document_type_title"] = facets.ValueTitles(self.request)(
                "portal_type", brain.portal_type
            )
        return row

    def params(self):
        params = {
            name: value
            for name, value in self.chosen.items()
            if name != "sort_on" or value != ("relevance" if self.text else "newest")
        }
        return params

    def link(self, **changes):
        """The page's URL with the current choices and ``changes`` (None
        drops a parameter)."""
        params = dict(self.params(), **changes)
        params = {k: v for k, v in params.items() if v not in (None, "")}
        return f"{self.url}?{urlencode(params)}" if params else self.url

    def sorts(self):
        chosen = self.chosen.get("sort_on")
        return [
            {
                "value": value,
                "title": translate(title, context=self.request),
                "selected": value == chosen,
            }
            for value, title in SORT_TITLES.items()
            if value != "relevance" or self.text
        ]

    def batch(self):
        end = min(self.start + PAGE_SIZE, self.total)
        return {
            "first": self.start + 1 if self.total else 0,
            "last": end,
            "total": self.total,
            "previous": (
                self.link(b_start=max(0, self.start - PAGE_SIZE) or None)
                if self.start
                else None
            ),
            "next": self.link(b_start=end) if end < self.total else None,
        }

    def advanced_url(self):
        """The advanced search (issue 12), with the words typed here."""
        portal_url = api.portal.get().absolute_url()
        query = urlencode({"text": self.text}) if self.text else ""
        return f"{portal_url}/@@advanced-search" + (f"?{query}" if query else "")

    def hidden_params(self):
        """What the search box keeps when the words change: the facets and
        the place searched."""
        return [
            {"name": name, "value": value}
            for name, value in self.params().items()
            if name not in ("SearchableText", "b_start")
        ]
