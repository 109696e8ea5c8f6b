"""``@@advanced-search``: every field of a document in one form, results
sorted as asked, exported to XLSX or CSV, saved under a name and opened
again (``@@saved-searches`` lists them)."""

from phutho.intranet import _
from phutho.intranet.browser.reportpage import table_file
from phutho.intranet.content.unit import IUnit
from phutho.intranet.content.utils import find_agency
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.search import saved
from phutho.intranet.search.advanced import FIELDS
from phutho.intranet.search.advanced import ORDERS
from phutho.intranet.search.advanced import results_table
from phutho.intranet.search.advanced import search
from phutho.intranet.search.advanced import SORTS
from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView
from urllib.parse import urlencode
from zExceptions import Unauthorized
from zope.component import getUtility
from zope.i18n import translate
from zope.schema.interfaces import IVocabularyFactory

PAGE_SIZE = 50
EXPORT_LIMIT = 10000
KIND_TITLES = {
    "IncomingDocument": _("direction_incoming", default="Incoming (văn bản đến)"),
    "OutgoingDocument": _("direction_outgoing", default="Outgoing (văn bản đi)"),
    "CaseFile": _("Case file"),
}
SORT_TITLES = {
    "relevance": _("sort_relevance", default="Relevance"),
    "document_date": _("label_document_date", default="Document date"),
    "arrival_date": _("label_arrival_date", default="Arrival date and time"),
    "register_number": _("sort_register_number", default="Number in the register"),
    "title": _("label_subject", default="Subject (trích yếu)"),
    "modified": _("sort_modified", default="Last change"),
}


def current_user_id():
    if api.user.is_anonymous():
        raise Unauthorized("Sign in")
    return api.user.get_current().getId()


class AdvancedSearch(BrowserView):
    def __call__(self):
        form = dict(self.request.form)
        self.message = None
        if form.get("saved"):
            form = dict(saved.get(current_user_id(), form["saved"])["criteria"])
        if self.request.method == "POST" and self.request.form.get("form.save"):
            CheckAuthenticator(self.request)
            search_id = saved.save(
                current_user_id(), self.request.form.get("name"), form, self.context
            )
            self.request.response.redirect(
                f"{self.context.absolute_url()}/@@advanced-search?saved={search_id}"
            )
            return ""
        format_ = form.pop("format", None)
        self.error = None
        try:
            brains, self.criteria = search(form, self.context)
        except InvalidDataError as error:
            if format_:
                raise
            self.error = error.translated(self.request)
            brains, self.criteria = [], {}
        agency = find_agency(self.context)
        title = agency.Title() if agency is not None else api.portal.get().Title()
        if format_:
            table = results_table(brains, title, EXPORT_LIMIT)
            return table_file(
                self.request,
                [table],
                "ket-qua-tim-kiem",
                format_,
                form.get("delimiter") or "comma",
            )
        try:
            start = max(0, int(self.request.form.get("b_start") or 0))
        except ValueError:
            start = 0
        self.total = len(brains)
        self.table = results_table(brains[start : start + PAGE_SIZE], title, PAGE_SIZE)
        self.table.total = self.total
        self.start = start
        query = urlencode(self.criteria)
        url = f"{self.context.absolute_url()}/@@advanced-search"
        self.exports = [
            {
                "id": "export-xlsx",
                "title": _("label_export_xlsx", default="Excel (XLSX)"),
                "url": f"{url}?{query}&format=xlsx",
            },
            {
                "id": "export-csv",
                "title": _("label_export_csv", default="Export (CSV)"),
                "url": f"{url}?{query}&format=csv",
            },
            {
                "id": "export-csv-semicolon",
                "title": _("label_export_csv_semicolon", default="CSV with ;"),
                "url": f"{url}?{query}&format=csv&delimiter=semicolon",
            },
        ]
        self.next_url = (
            f"{url}?{query}&b_start={start + PAGE_SIZE}"
            if start + PAGE_SIZE < self.total
            else None
        )
        self.can_save = not api.user.is_anonymous()
        return self.index()

    def value(self, name):
        return self.criteria.get(name, "")

    def options(self, name):
        """``[{"value", "title", "selected"}]`` of a choice field."""
        index, kind, label, vocabulary = FIELDS[name]
        if name == "portal_type":
            items = [
                (v, translate(t, context=self.request)) for v, t in KIND_TITLES.items()
            ]
        elif name == "drafting_unit":
            agency = find_agency(self.context)
            units = agency.objectValues() if agency is not None else []
            items = [(u.UID(), u.Title()) for u in units if IUnit.providedBy(u)]
        elif name == "review_state":
            items = []
        else:
            factory = getUtility(IVocabularyFactory, vocabulary)
            items = [
                (term.value, translate(term.title, context=self.request))
                for term in factory(self.context)
            ]
        chosen = self.value(name)
        return [
            {"value": value, "title": title, "selected": value == chosen}
            for value, title in items
        ]

    def sorts(self):
        chosen = self.criteria.get("sort_on", "relevance")
        return [
            {
                "value": value,
                "title": translate(SORT_TITLES[value], context=self.request),
                "selected": value == chosen,
            }
            for value in SORTS
        ]

    def orders(self):
        chosen = self.criteria.get("sort_order", "descending")
        return [{"value": value, "selected": value == chosen} for value in ORDERS]

    def label(self, name):
        return translate(FIELDS[name][2], context=self.request)


class SavedSearches(BrowserView):
    """``@@saved-searches``: the person's saved searches; deleting one is a
    POST with the authenticator."""

    def __call__(self):
        user_id = current_user_id()
        if self.request.method == "POST" and self.request.form.get("delete"):
            CheckAuthenticator(self.request)
            saved.delete(user_id, self.request.form["delete"])
            self.request.response.redirect(
                f"{self.context.absolute_url()}/@@saved-searches"
            )
            return ""
        url = f"{self.context.absolute_url()}/@@advanced-search"
        self.items = [
            dict(item, url=f"{url}?{urlencode({'saved': item['id']})}")
            for item in saved.searches(user_id)
        ]
        return self.index()
