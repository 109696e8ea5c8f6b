"""Case-file pages: the export of one case file to PDF or XML
(``@@casefile-export?format=pdf|xml``) and the case-file index of an
agency for a year (``@@casefile-index?year=``: screen, print, XLSX)."""

from phutho.intranet import _
from phutho.intranet.browser.reportpage import file_response
from phutho.intranet.browser.reportpage import table_file
from phutho.intranet.dates import today
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.reports import casefiles
from phutho.intranet.reports.pdf import casefile_pdf
from phutho.intranet.reports.periods import MAX_YEAR
from phutho.intranet.reports.periods import MIN_YEAR
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from urllib.parse import urlencode


def export_casefile(request, casefile, format_):
    """Answer the case file as PDF or XML; refuses another format."""
    basename = f"ho-so-{casefile.getId()}"
    if format_ == "pdf":
        return file_response(
            request, casefile_pdf(casefile), f"{basename}.pdf", "application/pdf"
        )
    if format_ == "xml":
        return file_response(
            request,
            casefiles.casefile_xml(casefile),
            f"{basename}.xml",
            "application/xml; charset=utf-8",
        )
    raise InvalidDataError(
        _("error_casefile_format", default='format: "pdf" or "xml".'), field="format"
    )


class CaseFileExport(BrowserView):
    def __call__(self):
        return export_casefile(
            self.request, self.context, self.request.form.get("format") or "pdf"
        )


def requested_year(request):
    value = request.form.get("year")
    if value in (None, ""):
        return today().year
    try:
        year = int(str(value))
    except (TypeError, ValueError):
        year = None
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidDataError(
            _(
                "error_period_number",
                default="${name}: write a whole number from ${low} to ${high}.",
                mapping={"name": "year", "low": MIN_YEAR, "high": MAX_YEAR},
            ),
            field="year",
        )
    return year


class CaseFileIndex(BrowserView):
    """Mục lục hồ sơ of the agency for a year."""

    print_template = ViewPageTemplateFile("templates/register_print.pt")

    def __call__(self):
        self.year = requested_year(self.request)
        self.table = casefiles.index_table(self.context, self.year)
        format_ = self.request.form.get("format")
        if format_:
            return table_file(
                self.request,
                [self.table],
                f"muc-luc-ho-so-{self.context.getId()}-{self.year}",
                format_,
                self.request.form.get("delimiter") or "comma",
            )
        url = f"{self.context.absolute_url()}/@@casefile-index"
        query = urlencode({"year": self.year})
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
        ]
        self.print_url = f"{url}?{query}&print=1"
        self.previous_url = f"{url}?{urlencode({'year': self.year - 1})}"
        self.next_url = f"{url}?{urlencode({'year': self.year + 1})}"
        if self.request.form.get("print"):
            self.rows = self.table.cells()
            self.total = self.table.total
            self.truncated = False
            total = sum(self.table.widths)
            self.widths = [f"{100 * share / total:.1f}%" for share in self.table.widths]
            return self.print_template()
        return self.index()
