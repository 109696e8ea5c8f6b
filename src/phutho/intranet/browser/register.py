"""A document register (sổ văn bản) as Decree 30/2020 Appendix IV lays it
out: the entries of one month in number order, on screen, on paper (the
page's print stylesheet) and as CSV for spreadsheets
(``@@register-export?year=&month=``).

Entries are found by the catalog (register UID, a number, the month of the
arrival date for incoming or of the document date for outgoing), never by
walking folders; the rows are read from the documents because the register
shows more than the catalog keeps (assignees, signer, recipients).
"""

from datetime import date
from phutho.intranet.browser.document import document_type_title
from phutho.intranet.browser.document import principal_title
from phutho.intranet.browser.document import recipient_titles
from phutho.intranet.browser.document import SECRECY_TITLES
from phutho.intranet.browser.document import signer_text
from phutho.intranet.browser.document import state_title
from phutho.intranet.browser.document import URGENCY_TITLES
from phutho.intranet.dates import format_date
from phutho.intranet.dates import to_datetime
from phutho.intranet.dates import today
from phutho.intranet.workflow.assignment import assignments_of
from plone import api
from Products.Five.browser import BrowserView
from urllib.parse import urlencode
from zope.i18n import translate

import codecs
import csv
import io

# Column headings of Appendix IV. They are the legal form's own words, so
# they are data, the same whatever the language of the page.
INCOMING_COLUMNS = (
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số ký hiệu",
    "Ngày văn bản",
    "Tên loại và trích yếu",
    "Đơn vị/người nhận",
    "Ghi chú",
)
OUTGOING_COLUMNS = (
    "Số ký hiệu",
    "Ngày văn bản",
    "Tên loại và trích yếu",
    "Người ký",
    "Nơi nhận",
    "Số lượng bản",
    "Ghi chú",
)
SUBJECT_COLUMN = "Tên loại và trích yếu"  # linked to the document on screen

# A month of a busy agency is a few hundred entries; beyond this the page
# says it is incomplete rather than grow without bound.
MAX_ENTRIES = 2000
ONE_SECOND = 1.0 / 86400  # in days, as DateTime arithmetic counts
MIN_YEAR, MAX_YEAR = 2000, 2100  # as the register's own year field allows

# Outgoing states worth a note in the register.
NOTED_STATES = ("recalled", "replaced")


def requested_period(request, register):
    """``(year, month)`` from the query string; by default the register's
    year (or this year) and this month (January of another year)."""
    current = today()

    def number(name, default, low, high):
        try:
            value = int(request.form.get(name) or default)
        except (TypeError, ValueError):
            return default
        return value if low <= value <= high else default

    year = number("year", register.year or current.year, MIN_YEAR, MAX_YEAR)
    month = number("month", current.month if year == current.year else 1, 1, 12)
    return year, month


def month_query(year, month):
    """A DateIndex range covering the local calendar month."""
    start = to_datetime(date(year, month, 1))
    end = to_datetime(date(year + month // 12, month % 12 + 1, 1)) - ONE_SECOND
    return {"query": (start, end), "range": "min:max"}


def shift_month(year, month, step):
    index = year * 12 + (month - 1) + step
    return index // 12, index % 12 + 1


class RegisterTable:
    """The entries of one register for one month, as rows of text cells in
    Appendix IV order."""

    def __init__(self, register, request):
        self.register = register
        self.request = request
        self.incoming = register.direction == "incoming"
        self.columns = INCOMING_COLUMNS if self.incoming else OUTGOING_COLUMNS
        self._names = {}

    def entries(self, year, month):
        """``(rows, total)``: at most :data:`MAX_ENTRIES` rows, by number."""
        catalog = api.portal.get_tool("portal_catalog")
        date_index = "arrival_date" if self.incoming else "document_date"
        results = catalog(
            portal_type="IncomingDocument" if self.incoming else "OutgoingDocument",
            register_uid=self.register.UID(),
            register_number={"query": 1, "range": "min"},
            sort_on="register_number",
            sort_limit=MAX_ENTRIES,
            **{date_index: month_query(year, month)},
        )
        build = self.incoming_cells if self.incoming else self.outgoing_cells
        rows = []
        for brain in results[:MAX_ENTRIES]:
            document = brain.getObject()
            cells = [{"text": text, "url": None} for text in build(document)]
            cells[self.columns.index(SUBJECT_COLUMN)]["url"] = brain.getURL()
            rows.append({"cells": cells})
        return rows, results.actual_result_count

    def text(self, message):
        return translate(message, context=self.request) if message else ""

    def subject(self, document):
        return f"{document_type_title(document.document_type)} – {document.title}"

    def notes(self, document):
        notes = []
        if document.urgency and document.urgency != "normal":
            notes.append(self.text(URGENCY_TITLES.get(document.urgency)))
        if document.secrecy and document.secrecy != "normal":
            notes.append(self.text(SECRECY_TITLES.get(document.secrecy)))
        return notes

    def assignee_names(self, document):
        """Who received the document for handling (Đơn vị/người nhận), once
        each, in the order they were assigned."""
        names = []
        for entry in assignments_of(document):
            key = (entry["kind"], entry["id"])
            if key not in self._names:
                self._names[key] = principal_title(*key)
            if self._names[key] not in names:
                names.append(self._names[key])
        return "; ".join(names)

    def incoming_cells(self, document):
        return (
            format_date(document.arrival_date),
            str(document.arrival_number),
            document.sender_name or "",
            document.number_symbol or "",
            format_date(document.document_date),
            self.subject(document),
            self.assignee_names(document),
            "; ".join(self.notes(document)),
        )

    def outgoing_cells(self, document):
        internal, external = recipient_titles(document)
        notes = self.notes(document)
        state = api.content.get_state(document)
        if state in NOTED_STATES:
            notes.append(state_title(document.portal_type, state, self.request))
        return (
            document.symbol or "",
            format_date(document.issued_date),
            self.subject(document),
            signer_text(document),
            "; ".join(internal + external),
            str(document.copies or ""),
            "; ".join(notes),
        )


class RegisterView(BrowserView):
    """Default view of a DocumentRegister: one month of entries."""

    def __call__(self):
        self.update()
        return self.index()

    def update(self):
        self.year, self.month = requested_period(self.request, self.context)
        table = RegisterTable(self.context, self.request)
        self.incoming = table.incoming
        self.columns = table.columns
        self.rows, self.total = table.entries(self.year, self.month)
        self.truncated = self.total > len(self.rows)
        url = self.context.absolute_url()
        self.previous_url = f"{url}?{self.period_query(-1)}"
        self.next_url = f"{url}?{self.period_query(1)}"
        self.export_url = f"{url}/@@register-export?{self.period_query(0)}"
        self.period = f"{self.month:02d}/{self.year}"
        self.months = range(1, 13)

    def period_query(self, step):
        year, month = shift_month(self.year, self.month, step)
        return urlencode({"year": year, "month": month})


def spreadsheet_safe(value):
    """Keep a cell from being read as a formula by spreadsheet programs
    (a title starting with "=", "+", "-" or "@"): prefix it with "'"."""
    value = value or ""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


class RegisterExport(BrowserView):
    """``@@register-export?year=&month=``: the same month as CSV, UTF-8 with
    a byte order mark so that Excel reads Vietnamese correctly."""

    def __call__(self):
        year, month = requested_period(self.request, self.context)
        table = RegisterTable(self.context, self.request)
        rows = table.entries(year, month)[0]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(table.columns)
        for row in rows:
            writer.writerow([spreadsheet_safe(cell["text"]) for cell in row["cells"]])
        filename = f"{self.context.getId()}-{year}-{month:02d}.csv"
        response = self.request.response
        response.setHeader("Content-Type", "text/csv; charset=utf-8")
        response.setHeader("Content-Disposition", f'attachment; filename="{filename}"')
        return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
