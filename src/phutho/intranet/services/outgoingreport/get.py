"""``GET /<agency>/@outgoing-report``: the outgoing-documents report of a
period (by type, drafting unit, urgency; recipients' statuses)."""

from phutho.intranet.reports import periods
from phutho.intranet.reports.outgoing import report
from phutho.intranet.services.reports import ReportService


class OutgoingReportGet(ReportService):
    def tables(self):
        self.period = periods.from_request(self.request.form)
        return report(self.context, self.period)

    def basename(self):
        return f"bao-cao-van-ban-di-{self.context.getId()}-{self.period.slug}"

    def reply(self):
        tables = self.tables()
        return {
            "@id": f"{self.context.absolute_url()}/@outgoing-report",
            "period": self.period.label,
            "tables": [dict(table.as_json(), key=table.key) for table in tables],
        }
