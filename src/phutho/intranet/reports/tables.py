"""A report as a table of text cells, and its files.

Every report (registers, follow-up, outgoing report, statistics tables,
case-file index) is a :class:`Table`: a heading (agency, report name,
period), columns in the legal form's order, and rows of text exactly as the
page shows them ("05", "05/UBND-VX", "30/11/2026"). The XLSX and CSV files
write those same texts, never numbers or dates a spreadsheet would
reformat, so that what is printed, exported and shown is one thing.
"""

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.styles import Border
from openpyxl.styles import Font
from openpyxl.styles import Side
from openpyxl.utils import get_column_letter

import codecs
import csv
import io

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
# "," for most spreadsheets; ";" for those set to Vietnamese (or any locale
# whose decimal separator is a comma), which split on ";".
CSV_DELIMITERS = {"comma": ",", "semicolon": ";"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Table:
    """A report: ``heading`` lines, ``columns`` and ``rows`` of text.

    :param agency: the agency's name, the heading's first line.
    :param title: the report's name (e.g. "Sổ đăng ký văn bản đến").
    :param period: the period's label, or None.
    :param columns: column headings, in order.
    :param widths: relative column widths (screen, print and XLSX).
    """

    def __init__(self, agency, title, period, columns, widths=None):
        self.agency, self.title, self.period = agency, title, period
        self.columns = list(columns)
        self.widths = list(widths or [1] * len(self.columns))
        if len(self.widths) != len(self.columns):
            raise ValueError("One width per column")
        self.rows = []
        self.links = []  # per row: {column index: url}
        self.total = 0  # rows in the period, also when not all are listed

    def add(self, cells, links=None):
        """Append a row of ``len(columns)`` texts (None becomes "")."""
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(["" if cell is None else str(cell) for cell in cells])
        self.links.append(dict(links or {}))

    @property
    def heading(self):
        """The heading lines: agency, report name, period."""
        return [line for line in (self.agency, self.title, self.period) if line]

    def cells(self):
        """Rows as ``[{"text", "url"}]`` for templates."""
        return [
            [{"text": text, "url": links.get(index)} for index, text in enumerate(row)]
            for row, links in zip(self.rows, self.links)
        ]

    def as_json(self):
        return {
            "heading": self.heading,
            "agency": self.agency,
            "title": self.title,
            "period": self.period,
            "columns": self.columns,
            "rows": self.rows,
            "total": self.total,
        }


def spreadsheet_safe(value):
    """Keep a cell from being read as a formula by spreadsheet programs
    (a text starting with "=", "+", "-", "@"): prefix it with "'"."""
    value = value or ""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def to_csv(table, delimiter=","):
    """UTF-8 CSV with a byte order mark (Excel then reads Vietnamese right):
    the column headings, then the rows. Data for other programs, so no
    heading lines: the file name says the register and the period."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def heading_rows(table):
    """Worksheet rows taken by the heading (lines and one empty row)."""
    return len(table.heading) + 1


def add_sheet(workbook, table, name):
    """Write ``table`` to a new worksheet: heading merged across the
    columns, bold column headings, every cell as text, A4 landscape fit
    to the page width, headings repeated on every printed page."""
    sheet = workbook.create_sheet(title=name[:31])
    width = len(table.columns)
    last = get_column_letter(width)
    for number, line in enumerate(table.heading, start=1):
        sheet.append([line])
        sheet.merge_cells(f"A{number}:{last}{number}")
        cell = sheet.cell(row=number, column=1)
        cell.font = Font(bold=True, size=13 if number == 2 else 12)
        cell.alignment = Alignment(horizontal="center")
    sheet.append([])
    header_row = heading_rows(table) + 1
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.append(table.columns)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = border
    for row in table.rows:
        sheet.append([spreadsheet_safe(text) for text in row])
        for cell in sheet[sheet.max_row]:
            cell.number_format = "@"  # text: "05" stays "05"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = border
    total = sum(table.widths)
    for index, share in enumerate(table.widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            6, round(150 * share / total)
        )
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return sheet


def to_xlsx(*tables, names=None):
    """An XLSX workbook with one sheet per table; returns its bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, table in enumerate(tables):
        name = names[index] if names else getattr(table, "sheet", None) or table.title
        add_sheet(workbook, table, _sheet_name(name or f"Sheet{index + 1}"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_name(name):
    """Worksheet names may not hold []:*?/\\ and have 31 characters."""
    for char in "[]:*?/\\":
        name = name.replace(char, " ")
    return name[:31] or "Sheet"


def read_xlsx_rows(data, sheet=None):
    """Rows of an XLSX file as lists of texts (tests and imports)."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True)
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    return [
        ["" if value is None else str(value) for value in row]
        for row in worksheet.iter_rows(values_only=True)
    ]
