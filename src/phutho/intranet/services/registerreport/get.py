"""``GET /<register>/@register-report``: the register's entries of a
period in Appendix IV's columns, as on the page.

Parameters: ``period`` (month, quarter, year, range) with ``year``,
``month``, ``quarter``, ``start``, ``end``; ``kind`` (register or
followup); ``format`` (json, xlsx, csv) and ``delimiter`` (comma,
semicolon). JSON: ``{"heading", "columns", "rows", "total", ...}``.
"""

from phutho.intranet.browser.register import requested_kind
from phutho.intranet.reports import periods
from phutho.intranet.reports.registers import register_table
from phutho.intranet.services.reports import ReportService


class RegisterReportGet(ReportService):
    def table(self):
        period = periods.from_request(self.request.form, self.context.year)
        kind = requested_kind(self.request, self.context)
        self.slug = f"{kind}-{period.slug}"
        return register_table(self.context, period, kind, url=False)

    def basename(self):
        return f"{self.context.getId()}-{self.slug}"

    def tables(self):
        return [self.table()]

    def reply(self):
        result = self.table().as_json()
        result["@id"] = f"{self.context.absolute_url()}/@register-report"
        return result
