"""What the report pages share: the period a request asks for, the period
form, export links and file answers. The reports themselves are computed
by :mod:`phutho.intranet.reports`."""

from phutho.intranet import _
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.reports import periods
from phutho.intranet.reports.tables import CSV_DELIMITERS
from phutho.intranet.reports.tables import CSV_TYPE
from phutho.intranet.reports.tables import to_csv
from phutho.intranet.reports.tables import to_xlsx
from phutho.intranet.reports.tables import XLSX_TYPE
from Products.Five.browser import BrowserView
from urllib.parse import urlencode
from zope.i18n import translate

PERIOD_KINDS = (
    ("month", _("period_month", default="Month")),
    ("quarter", _("period_quarter", default="Quarter")),
    ("year", _("period_year", default="Year")),
    ("range", _("period_range", default="From … to …")),
)
EXPORT_FORMATS = ("xlsx", "csv")


def file_response(request, data, filename, content_type):
    """Answer ``data`` as a download named ``filename``."""
    response = request.response
    response.setHeader("Content-Type", content_type)
    response.setHeader("Content-Disposition", f'attachment; filename="{filename}"')
    response.setHeader("Content-Length", str(len(data)))
    return data


def table_file(request, tables, basename, format_, delimiter="comma"):
    """XLSX (every table a sheet) or CSV (the first table) of a report;
    refuses another format or separator with a 400."""
    if format_ not in EXPORT_FORMATS:
        raise InvalidDataError(
            _("error_export_format", default='format: "xlsx" or "csv".'),
            field="format",
        )
    if format_ == "xlsx":
        return file_response(request, to_xlsx(*tables), f"{basename}.xlsx", XLSX_TYPE)
    if delimiter not in CSV_DELIMITERS:
        raise InvalidDataError(
            _("error_csv_delimiter", default='delimiter: "comma" or "semicolon".'),
            field="delimiter",
        )
    return file_response(
        request,
        to_csv(tables[0], CSV_DELIMITERS[delimiter]),
        f"{basename}.csv",
        CSV_TYPE,
    )


class ReportPage(BrowserView):
    """A page showing a report of a period (month by default)."""

    default_kind = "month"

    def default_year(self):
        return None

    def read_period(self):
        """The requested period; a wrong one is named on the page and the
        default period shown instead (a page, not an error)."""
        self.period_error = None
        try:
            return periods.from_request(
                self.request.form, self.default_year(), self.default_kind
            )
        except InvalidDataError as error:
            self.period_error = error.translated(self.request)
            return periods.from_request({}, self.default_year(), self.default_kind)

    def period_options(self):
        return [
            {
                "value": value,
                "title": translate(title, context=self.request),
                "selected": value == self.period.kind,
            }
            for value, title in PERIOD_KINDS
        ]

    def query(self, **extra):
        params = dict(self.period.params())
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
        return urlencode(params)

    def period_url(self, step):
        shifted = self.period.shifted(step)
        params = dict(shifted.params())
        params.update(self.extra_params())
        return f"{self.request['ACTUAL_URL']}?{urlencode(params)}"

    def extra_params(self):
        """Parameters besides the period that pages keep in their links."""
        return {}

    def export_links(self, base_url):
        """XLSX, CSV with ",", CSV with ";" and print: each keeps the
        period and the page's other parameters."""
        extra = self.extra_params()
        return [
            {
                "id": "export-xlsx",
                "title": _("label_export_xlsx", default="Excel (XLSX)"),
                "url": f"{base_url}?{self.query(format='xlsx', **extra)}",
            },
            {
                "id": "export-csv",
                "title": _("label_export_csv", default="Export (CSV)"),
                "url": f"{base_url}?{self.query(format='csv', **extra)}",
            },
            {
                "id": "export-csv-semicolon",
                "title": _("label_export_csv_semicolon", default="CSV with ;"),
                "url": f"{base_url}?"
                f"{self.query(format='csv', delimiter='semicolon', **extra)}",
            },
        ]
