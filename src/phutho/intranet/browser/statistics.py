"""``@@statistics`` of an agency (its leaders) or a unit (its heads):
incoming documents received, completed on time and late, in progress and
overdue, average processing time, by type, urgency, unit and person, for
any period, with SVG charts; ``format=xlsx|csv`` exports the tables."""

from phutho.intranet import _
from phutho.intranet.browser.reportpage import ReportPage
from phutho.intranet.browser.reportpage import table_file
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.reports import charts
from phutho.intranet.reports import periods
from phutho.intranet.reports.scopes import Scope
from phutho.intranet.reports.statistics import OUTCOME_COLUMNS
from zope.i18n import translate

OUTCOME_LABELS = dict(
    zip(
        ("received", "on_time", "late", "in_progress", "overdue", "other"),
        OUTCOME_COLUMNS,
    )
)


class StatisticsView(ReportPage):
    def extra_params(self):
        return {"person": self.scope.person} if self.scope.person else {}

    def __call__(self):
        if self.request.form.get("format"):
            return self.export()
        self.update()
        return self.index()

    def read_scope(self):
        try:
            return Scope(self.context, self.request.form.get("person")), None
        except InvalidDataError as error:
            return Scope(self.context), error.translated(self.request)

    def update(self):
        self.period = self.read_period()
        self.scope, self.scope_error = self.read_scope()
        self.stats = self.scope.compute(self.period)
        self.tables = self.scope.tables(self.period, self.stats)
        self.heading = [
            self.scope.agency.Title(),
            self.tables[0].title,
            self.period.label,
        ]
        url = f"{self.context.absolute_url()}/@@statistics"
        self.exports = self.export_links(url)
        total = self.stats["total"]
        self.summary_chart = charts.bar_chart(
            translate(_("chart_outcomes", default="Outcomes"), context=self.request),
            [
                (OUTCOME_LABELS[key], total[key])
                for key in OUTCOME_LABELS
                if key != "received"
            ],
            chart_id="chart-outcomes",
        )
        self.type_chart = charts.bar_chart(
            translate(
                _("chart_by_type", default="Received by type"), context=self.request
            ),
            [(label, row["received"]) for label, row in self.stats["by_type"]],
            chart_id="chart-types",
        )
        self.urgency_chart = charts.bar_chart(
            translate(
                _("chart_by_urgency", default="Received by urgency"),
                context=self.request,
            ),
            [(label, row["received"]) for label, row in self.stats["by_urgency"]],
            chart_id="chart-urgency",
        )
        self.people_links = [
            {"title": title, "url": f"{url}?{self.query(person=user_id)}"}
            for user_id, title in self.scope.people()
        ]

    def export(self):
        period = periods.from_request(self.request.form)
        scope = Scope(self.context, self.request.form.get("person"))
        stats = scope.compute(period)
        basename = f"thong-ke-{self.context.getId()}-{period.slug}"
        return table_file(
            self.request,
            scope.tables(period, stats),
            basename,
            self.request.form.get("format"),
            self.request.form.get("delimiter") or "comma",
        )
