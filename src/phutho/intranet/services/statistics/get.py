"""``GET /<agency or unit>/@statistics``: the statistics of incoming
documents of a period (``person=`` narrows to one person), as JSON or
XLSX/CSV (``format``). Leaders of the agency, heads of the unit."""

from phutho.intranet.reports import periods
from phutho.intranet.reports.scopes import Scope
from phutho.intranet.services.reports import ReportService


class StatisticsGet(ReportService):
    def compute(self):
        self.period = periods.from_request(self.request.form)
        self.scope = Scope(self.context, self.request.form.get("person"))
        return self.scope.compute(self.period)

    def basename(self):
        return f"thong-ke-{self.context.getId()}-{self.period.slug}"

    def tables(self):
        stats = self.compute()
        return self.scope.tables(self.period, stats)

    def reply(self):
        stats = self.compute()
        return {
            "@id": f"{self.context.absolute_url()}/@statistics",
            "agency": self.scope.agency.Title(),
            "scope": self.scope.title,
            "period": self.period.label,
            "total": stats["total"],
            "by_type": [{"title": t, **row} for t, row in stats["by_type"]],
            "by_urgency": [{"title": t, **row} for t, row in stats["by_urgency"]],
            "by_unit": [{"title": t, **row} for t, row in stats["by_unit"]],
            "by_person": [{"title": t, **row} for t, row in stats["by_person"]],
        }
