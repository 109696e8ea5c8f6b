"""Registers of Decree 30/2020, Appendix IV, and the follow-up register.

``register_table(register, period, kind)`` answers one register's entries
of a period as a :class:`~phutho.intranet.reports.tables.Table`:

* ``register``: the incoming register (sổ đăng ký văn bản đến, 10 columns)
  or the outgoing one (sổ đăng ký văn bản đi, 10 columns), by the
  register's direction;
* ``followup``: the follow-up register of incoming documents (sổ theo dõi
  giải quyết văn bản đến): deadline, progress, the reply's number.

Entries are found by the catalog (register UID, a number, the arrival date
of an incoming document or the date of an outgoing one), never by walking
folders, and listed by year then number (numbers restart every year). The
rows are read from the documents: a register shows more than the catalog
keeps (assignees, hand-over date, recipients, signer).
"""

from phutho.intranet.content.utils import find_agency
from phutho.intranet.dates import format_date
from phutho.intranet.numbering.symbol import format_number
from phutho.intranet.reports import common
from phutho.intranet.reports.tables import Table
from phutho.intranet.workflow.assignment import assignments_of
from phutho.intranet.workflow.assignment import earliest_deadline
from phutho.intranet.workflow.assignment import is_overdue
from phutho.intranet.workflow.assignment import OPEN_STATES
from phutho.intranet.workflow.history import history_of
from plone import api
from plone.app.uuid.utils import uuidToObject

# Column headings: the legal forms' own words, the same in every language.
INCOMING_COLUMNS = (
    "Ngày đến",
    "Số đến",
    "Tác giả",
    "Số ký hiệu",
    "Ngày văn bản",
    "Tên loại và trích yếu",
    "Đơn vị/người nhận",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)
INCOMING_WIDTHS = (7, 5, 12, 10, 7, 26, 12, 7, 7, 7)
OUTGOING_COLUMNS = (
    "Số ký hiệu",
    "Ngày văn bản",
    "Tên loại và trích yếu",
    "Người ký",
    "Nơi nhận",
    "Đơn vị/người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
)
OUTGOING_WIDTHS = (10, 7, 24, 11, 14, 9, 5, 7, 7, 6)
FOLLOWUP_COLUMNS = (
    "Số đến",
    "Ngày đến",
    "Tác giả",
    "Số ký hiệu",
    "Tên loại và trích yếu",
    "Đơn vị/người nhận",
    "Hạn giải quyết",
    "Tiến độ giải quyết",
    "Số ký hiệu văn bản trả lời",
    "Ghi chú",
)
FOLLOWUP_WIDTHS = (5, 7, 12, 10, 24, 12, 7, 11, 9, 7)
SUBJECT_COLUMN = "Tên loại và trích yếu"  # linked to the document on screen

TITLES = {
    ("incoming", "register"): "Sổ đăng ký văn bản đến",
    ("outgoing", "register"): "Sổ đăng ký văn bản đi",
    ("incoming", "followup"): "Sổ theo dõi giải quyết văn bản đến",
}
KINDS = ("register", "followup")
# Outgoing states worth a note in the register.
NOTED_STATES = ("recalled", "replaced")


def kinds_of(register):
    """The views a register offers: its register, and for incoming
    documents the follow-up register."""
    return KINDS if register.direction == "incoming" else KINDS[:1]


def columns_of(direction, kind="register"):
    if kind == "followup":
        return FOLLOWUP_COLUMNS, FOLLOWUP_WIDTHS
    if direction == "incoming":
        return INCOMING_COLUMNS, INCOMING_WIDTHS
    return OUTGOING_COLUMNS, OUTGOING_WIDTHS


def entry_brains(register, period):
    """Catalog brains of the register's numbered entries in ``period``,
    by year then number."""
    incoming = register.direction == "incoming"
    date_index = "arrival_date" if incoming else "document_date"
    catalog = api.portal.get_tool("portal_catalog")
    # Restricted: a register shows the documents the reader may see (a
    # clerk of the agency sees every entry of a register he keeps).
    brains = catalog(
        portal_type="IncomingDocument" if incoming else "OutgoingDocument",
        register_uid=register.UID(),
        register_number={"query": 1, "range": "min"},
        **{date_index: period.query()},
    )

    def key(brain):
        when = getattr(brain, date_index, None)
        year = when.year() if hasattr(when, "year") and callable(when.year) else 0
        if hasattr(when, "year") and not callable(when.year):
            year = when.year
        return (year, brain.register_number or 0)

    return sorted(brains, key=key)


class RegisterRows:
    """Builds the cells of one register's rows (names looked up once)."""

    def __init__(self):
        self.names = common.Names()

    def notes(self, document):
        notes = []
        if document.urgency and document.urgency != "normal":
            notes.append(common.text(common.URGENCY_TITLES.get(document.urgency)))
        if document.secrecy and document.secrecy != "normal":
            notes.append(common.text(common.SECRECY_TITLES.get(document.secrecy)))
        return notes

    def receivers(self, document, lead_only=False):
        """Đơn vị/người nhận: who received the document for handling, once
        each, in the order they were assigned."""
        names = []
        for entry in assignments_of(document):
            if lead_only and entry["role"] == "coordinator":
                continue
            name = self.names(entry["kind"], entry["id"])
            if name and name not in names:
                names.append(name)
        return "; ".join(names)

    def incoming(self, document):
        return (
            format_date(document.arrival_date),
            format_number(document.arrival_number),
            document.sender_name or "",
            document.number_symbol or "",
            format_date(document.document_date),
            common.subject(document),
            self.receivers(document),
            format_date(common.handover_time(document)),
            "",  # Ký nhận: signed on paper by whoever takes the copy
            "; ".join(self.notes(document)),
        )

    def outgoing(self, document):
        notes = self.notes(document)
        state = api.content.get_state(document, default=None)
        if state in NOTED_STATES:
            notes.append(common.state_title(document.portal_type, state))
        return (
            document.symbol or "",
            format_date(document.issued_date),
            common.subject(document),
            common.signer_line(document),
            "; ".join(common.recipient_names(document)),
            archive_holders(document),
            str(document.copies or ""),
            format_date(common.handover_time(document)),
            "",  # Ký nhận
            "; ".join(notes),
        )

    def followup(self, document):
        state = api.content.get_state(document, default=None)
        history = history_of(document)
        return (
            format_number(document.arrival_number),
            format_date(document.arrival_date),
            document.sender_name or "",
            document.number_symbol or "",
            common.subject(document),
            self.receivers(document, lead_only=True),
            format_date(earliest_deadline(document) or due_date(document)),
            progress_text(document, state, history),
            "; ".join(replies(document, history)),
            "; ".join(self.notes(document)),
        )


def archive_holders(document):
    """Đơn vị/người nhận bản lưu: as recorded, else the usual ``VT, <drafting
    unit>`` of the document's "Lưu:" line."""
    value = getattr(document, "archive_holders", None)
    if value:
        return value
    unit = (
        uuidToObject(document.drafting_unit, unrestricted=True)
        if getattr(document, "drafting_unit", None)
        else None
    )
    short_name = getattr(unit, "short_name", None)
    return f"VT, {short_name}" if short_name else "VT"


def due_date(document):
    """The deadline the handling was held to, also once it is completed:
    the earliest deadline of the last lead or handler records, else the
    document's own."""
    entries = assignments_of(document)
    leads = [index for index, entry in enumerate(entries) if entry["role"] == "lead"]
    # The last assignment round: the last lead's record and those after it.
    latest = [
        entry["deadline"]
        for entry in (entries[leads[-1] :] if leads else ())
        if entry["role"] in ("lead", "handler") and entry.get("deadline")
    ]
    return min(latest) if latest else getattr(document, "processing_deadline", None)


def progress_text(document, state, history=None):
    """Tiến độ giải quyết: the state, the last percent, completion date
    and whether it was on time, or overdue."""
    parts = [common.state_title(document.portal_type, state)]
    if state == "completed":
        done = common.completion_time(document, history)
        if done is not None:
            parts.append(format_date(done))
        due = due_date(document)
        if due is not None and done is not None and done.date() > due:
            parts.append("trễ hạn")
    elif state in OPEN_STATES:
        percent = common.latest_progress(document, history)
        if percent is not None:
            parts.append(f"{percent}%")
        if is_overdue(document, state):
            parts.append("quá hạn")
    return " – ".join(part for part in parts if part)


def replies(document, history=None):
    """Số, ký hiệu of the documents answering this one: the reply named at
    completion, and outgoing documents that say they reply to it."""
    symbols = list(common.reply_symbols(document, history))
    for relation in api.relation.get(
        target=document, relationship="in_reply_to", unrestricted=True
    ):
        source = relation.from_object
        symbol = getattr(source, "symbol", None) if source is not None else None
        if symbol and symbol not in symbols:
            symbols.append(symbol)
    return symbols


def register_table(register, period, kind="register", start=0, limit=None, url=True):
    """The register's entries of ``period`` as a :class:`Table`.

    ``start`` and ``limit`` select a page of rows (the table's ``total``
    counts them all); ``url`` links each subject to its document.
    """
    if kind not in kinds_of(register):
        raise ValueError(f"Register {register.getId()} has no {kind!r} view")
    columns, widths = columns_of(register.direction, kind)
    agency = find_agency(register)
    table = Table(
        agency.Title() if agency is not None else "",
        f"{TITLES[(register.direction, kind)]}: {register.Title()}",
        period.label,
        columns,
        widths,
    )
    brains = entry_brains(register, period)
    table.total = len(brains)
    selected = brains[start : start + limit if limit else None]
    rows = RegisterRows()
    build = {
        ("incoming", "register"): rows.incoming,
        ("outgoing", "register"): rows.outgoing,
        ("incoming", "followup"): rows.followup,
    }[(register.direction, kind)]
    link_column = columns.index(SUBJECT_COLUMN)
    for brain in selected:
        document = brain.getObject()
        links = {link_column: brain.getURL()} if url else None
        table.add(build(document), links)
    return table
