"""What one legacy document is, once read: a :class:`Record`.

Sources (:mod:`.sources`) fill records from whatever the legacy system
exported; the importer (:mod:`.importer`) stores them. The values here are
already typed (dates, numbers, vocabulary tokens); a value that cannot be
read makes the record *refused* with the reason, never a guess.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from phutho.intranet.dates import DATE_MAX
from phutho.intranet.dates import DATE_MIN

import unicodedata

INCOMING = "incoming"
OUTGOING = "outgoing"
PORTAL_TYPES = {INCOMING: "IncomingDocument", OUTGOING: "OutgoingDocument"}

# States a historical document may be imported in, by direction. A state
# reached through an assignment (assigned, in_progress) needs people and
# deadlines the legacy data rarely has: import those as registered.
STATES = {
    INCOMING: ("received", "registered", "completed"),
    OUTGOING: ("issued",),
}
DEFAULT_STATE = {INCOMING: "registered", OUTGOING: "issued"}

DIRECTION_NAMES = {
    "incoming": INCOMING,
    "den": INCOMING,
    "van ban den": INCOMING,
    "outgoing": OUTGOING,
    "di": OUTGOING,
    "van ban di": OUTGOING,
}


class Refused(ValueError):
    """A record that cannot be imported; ``str()`` says why."""


@dataclass
class Record:
    """One legacy document.

    ``key`` names it in the source (a file name, a CSV id): the import
    remembers it, so a second run skips what the first stored, and the
    report names refusals by it. ``load_files`` returns the files, read
    only when the document is stored: ``[(role, title, filename, data,
    content_type)]`` with role ``main`` or ``annex``.
    """

    key: str
    agency: str = None
    direction: str = None
    register: str = None
    number: int = None
    state: str = None
    fields: dict = field(default_factory=dict)
    completed: datetime = None
    load_files: object = None
    refusal: str = None

    @property
    def portal_type(self):
        return PORTAL_TYPES[self.direction]

    @property
    def moment(self):
        """When it entered its register: arrival (incoming) or issue
        (outgoing); it files the document and numbers its year."""
        if self.direction == INCOMING:
            return self.fields.get("arrival_date")
        issued = self.fields.get("issued_date")
        return datetime(issued.year, issued.month, issued.day) if issued else None


def fold(text):
    """Lower case, without diacritics, đ as d, single spaces."""
    text = unicodedata.normalize(
        "NFD", (text or "").replace("đ", "d").replace("Đ", "D")
    )
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def parse_direction(value):
    found = DIRECTION_NAMES.get(fold(value))
    if found is None:
        raise Refused(f"direction {value!r}: write incoming or outgoing")
    return found


def parse_date(value, name):
    """``dd/mm/yyyy`` or ``yyyy-mm-dd``; None when empty."""
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%Y/%m/%d"):
        try:
            parsed = datetime.strptime(value, fmt).date()
            break
        except ValueError:
            continue
    else:
        raise Refused(f"{name} {value!r}: write dd/mm/yyyy")
    return _in_range(parsed, value, name)


def parse_datetime(value, name):
    """``dd/mm/yyyy[ HH:MM[:SS]]`` or ISO, local time (naive); None when
    empty. A date alone is taken at 08:00, when the office opens."""
    value = (value or "").strip()
    if not value:
        return None
    for fmt in (
        "%d/%m/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y/%m/%d %H:%M:%S",
    ):
        try:
            parsed = datetime.strptime(value, fmt)
            break
        except ValueError:
            continue
    else:
        day = parse_date(value, name)
        parsed = datetime(day.year, day.month, day.day, 8, 0)
    _in_range(parsed.date(), value, name)
    return parsed


def _in_range(day, text, name):
    if not DATE_MIN <= (day if isinstance(day, date) else day.date()) <= DATE_MAX:
        raise Refused(f"{name} {text!r} is outside {DATE_MIN.year}-{DATE_MAX.year}")
    return day


def parse_number(value, name="number"):
    """A register number: a whole number from 1; None when empty. Leading
    zeros ("05") are how numbers below 10 are written."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise Refused(f"{name} {value!r}: a whole number from 1")
    return int(value)


def choose(value, choices, name, default=None):
    """The token of ``choices`` (``(token, title)`` pairs, titles may be
    message ids) that ``value`` names by token or by title, folded."""
    wanted = fold(value)
    if not wanted:
        return default
    for token, title in choices:
        names = {fold(token), fold(str(title)), fold(getattr(title, "default", ""))}
        # "Khẩn" for "Urgent (Khẩn)": the Vietnamese in brackets too.
        for text in list(names):
            if "(" in text:
                names.add(text.split("(", 1)[1].rstrip(")").strip())
        if wanted in names:
            return token
    raise Refused(f"{name} {value!r} is not one of {', '.join(t for t, _ in choices)}")


def split_list(value):
    """``a; b; c`` -> ``["a", "b", "c"]`` (empty parts dropped)."""
    return [part.strip() for part in (value or "").split(";") if part.strip()]
