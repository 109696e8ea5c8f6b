"""``GET /@advanced-search`` (site or agency): the advanced search's
fields as parameters (see search/advanced.py), results as JSON items or
``format=xlsx|csv``; ``saved=<id>`` runs a saved search."""

from phutho.intranet.content.utils import find_agency
from phutho.intranet.search import saved
from phutho.intranet.search.advanced import result_row
from phutho.intranet.search.advanced import results_table
from phutho.intranet.search.advanced import search
from phutho.intranet.services.reports import ReportService
from plone import api

MAX_ITEMS = 1000
EXPORT_LIMIT = 10000


class AdvancedSearchGet(ReportService):
    def form(self):
        form = dict(self.request.form)
        if form.get("saved"):
            user_id = api.user.get_current().getId()
            form = dict(saved.get(user_id, form["saved"])["criteria"])
        return form

    def basename(self):
        return "ket-qua-tim-kiem"

    def tables(self):
        brains, _criteria = search(self.form(), self.context)
        agency = find_agency(self.context)
        title = agency.Title() if agency is not None else api.portal.get().Title()
        return [results_table(brains, title, EXPORT_LIMIT)]

    def reply(self):
        brains, criteria = search(self.form(), self.context)
        columns = (
            "number",
            "date",
            "type",
            "subject",
            "author",
            "arrival_number",
            "state",
        )
        return {
            "@id": f"{self.context.absolute_url()}/@advanced-search",
            "criteria": criteria,
            "items_total": len(brains),
            "items": [
                dict(zip(columns, result_row(brain)), **{"@id": brain.getURL()})
                for brain in brains[:MAX_ITEMS]
            ],
        }
