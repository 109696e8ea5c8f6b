"""``@@outgoing-report`` of an agency: outgoing documents issued in a
period by type, drafting unit and urgency, and their recipients'
statuses; printable, XLSX and CSV."""

from phutho.intranet.browser.reportpage import ReportPage
from phutho.intranet.browser.reportpage import table_file
from phutho.intranet.reports import periods
from phutho.intranet.reports.outgoing import report
from phutho.intranet.reports.outgoing import TITLE


class OutgoingReportView(ReportPage):
    def __call__(self):
        if self.request.form.get("format"):
            period = periods.from_request(self.request.form)
            return table_file(
                self.request,
                report(self.context, period),
                f"bao-cao-van-ban-di-{self.context.getId()}-{period.slug}",
                self.request.form.get("format"),
                self.request.form.get("delimiter") or "comma",
            )
        self.period = self.read_period()
        self.tables = report(self.context, self.period)
        self.heading = [self.context.Title(), TITLE, self.period.label]
        self.exports = self.export_links(
            f"{self.context.absolute_url()}/@@outgoing-report"
        )
        return self.index()
