"""A document register (sổ văn bản) as Decree 30/2020 Appendix IV lays it
out, for any period: on screen (``view``), printed on A4 landscape
(``@@register-print``) and exported (``@@register-export?format=xlsx|csv``),
all in the same columns with the same heading. An incoming register also
shows its follow-up register (``kind=followup``).

The entries are computed by :mod:`phutho.intranet.reports.registers`.
"""

from phutho.intranet import _
from phutho.intranet.browser.reportpage import ReportPage
from phutho.intranet.browser.reportpage import table_file
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.reports.registers import INCOMING_COLUMNS  # noqa: F401
from phutho.intranet.reports.registers import kinds_of
from phutho.intranet.reports.registers import OUTGOING_COLUMNS  # noqa: F401
from phutho.intranet.reports.registers import register_table
from phutho.intranet.reports.tables import CSV_DELIMITERS  # noqa: F401
from phutho.intranet.reports.tables import spreadsheet_safe  # noqa: F401
from urllib.parse import urlencode
from zope.i18n import translate

# Rows on one screen; the print view and the exports have them all.
PAGE_SIZE = 500
# A printed register beyond this is a book: export it instead.
PRINT_LIMIT = 5000

KIND_TITLES = {
    "register": _("label_register_kind_register", default="Register"),
    "followup": _(
        "label_register_kind_followup", default="Follow-up (theo dõi giải quyết)"
    ),
}


def requested_kind(request, register):
    kind = request.form.get("kind") or "register"
    if kind not in kinds_of(register):
        raise InvalidDataError(
            _(
                "error_register_kind",
                default='kind: "register", or "followup" for an incoming register.',
            ),
            field="kind",
        )
    return kind


def start_of(request):
    try:
        return max(0, int(request.form.get("b_start") or 0))
    except (TypeError, ValueError):
        return 0


class RegisterView(ReportPage):
    """Default view of a DocumentRegister: the entries of a period."""

    def __call__(self):
        self.update()
        return self.index()

    def default_year(self):
        return self.context.year

    def extra_params(self):
        return {"kind": self.kind} if self.kind != "register" else {}

    def update(self):
        self.period = self.read_period()
        try:
            self.kind = requested_kind(self.request, self.context)
        except InvalidDataError:
            self.kind = "register"
        self.incoming = self.context.direction == "incoming"
        self.start = start_of(self.request)
        self.table = register_table(
            self.context, self.period, self.kind, self.start, PAGE_SIZE
        )
        self.rows = self.table.cells()
        self.total = self.table.total
        self.truncated = self.total > len(self.rows)
        url = self.context.absolute_url()
        self.previous_url = self.period_url(-1)
        self.next_url = self.period_url(1)
        self.print_url = f"{url}/@@register-print?{self.query(**self.extra_params())}"
        self.exports = self.export_links(f"{url}/@@register-export")
        self.export_url = self.exports[1]["url"]  # CSV, as before
        self.kinds = [
            {
                "id": kind,
                "title": translate(KIND_TITLES[kind], context=self.request),
                "url": f"{url}?{self.query(**({'kind': kind} if kind != 'register' else {}))}",
                "active": kind == self.kind,
            }
            for kind in kinds_of(self.context)
        ]
        self.pages = self.page_links(url)
        self.months = range(1, 13)
        self.quarters = range(1, 5)

    def page_links(self, url):
        """Links to the other screens of a long period."""
        if self.total <= PAGE_SIZE:
            return []
        pages = []
        for number, start in enumerate(range(0, self.total, PAGE_SIZE), start=1):
            params = {**self.period.params(), **self.extra_params(), "b_start": start}
            pages.append(
                {
                    "number": number,
                    "url": f"{url}?{urlencode(params)}",
                    "current": start == self.start,
                }
            )
        return pages


class RegisterPrint(RegisterView):
    """``@@register-print``: the whole period on A4 landscape pages, with
    the agency, the register and the period in the heading."""

    def update(self):
        self.period = self.read_period()
        self.kind = requested_kind(self.request, self.context)
        self.table = register_table(
            self.context, self.period, self.kind, 0, PRINT_LIMIT, url=False
        )
        self.rows = self.table.cells()
        self.total = self.table.total
        self.truncated = self.total > len(self.rows)
        total = sum(self.table.widths)
        self.widths = [f"{100 * share / total:.1f}%" for share in self.table.widths]


class RegisterExport(ReportPage):
    """``@@register-export?format=xlsx|csv[&delimiter=semicolon]`` and the
    period: every entry, in the page's columns (XLSX with its heading)."""

    def __call__(self):
        period = periods_or_refuse(self.request, self.context)
        kind = requested_kind(self.request, self.context)
        table = register_table(self.context, period, kind, url=False)
        basename = f"{self.context.getId()}-{kind}-{period.slug}"
        return table_file(
            self.request,
            [table],
            basename,
            self.request.form.get("format") or "csv",
            self.request.form.get("delimiter") or "comma",
        )


def periods_or_refuse(request, register):
    """The period of an export: a wrong one is refused (400), not guessed."""
    from phutho.intranet.reports import periods

    return periods.from_request(request.form, register.year)
