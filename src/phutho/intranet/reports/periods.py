"""Report periods: a month, a quarter, a year or two dates.

A period is read from request parameters (``period=month|quarter|year|range``
with ``year``, ``month``, ``quarter``, ``start`` and ``end``), checked, and
turned into catalog range queries on the local calendar.
"""

from datetime import date
from datetime import timedelta
from phutho.intranet import _
from phutho.intranet.dates import format_date
from phutho.intranet.dates import parse_date
from phutho.intranet.dates import to_datetime
from phutho.intranet.dates import today
from phutho.intranet.exc import InvalidDataError

KINDS = ("month", "quarter", "year", "range")
MIN_YEAR, MAX_YEAR = 2000, 2100
ONE_SECOND = 1.0 / 86400  # in days, as DateTime arithmetic counts
ROMAN = ("I", "II", "III", "IV")
# Two dates further apart than this are a typing mistake, not a report.
MAX_RANGE_DAYS = 366 * 5


class Period:
    """A closed range of local dates ``start``..``end`` and how to name it."""

    def __init__(self, kind, start, end, year=None, month=None, quarter=None):
        if kind not in KINDS:
            raise ValueError(f"Unknown period kind {kind!r}")
        if end < start:
            raise ValueError("A period ends after it starts")
        self.kind, self.start, self.end = kind, start, end
        self.year, self.month, self.quarter = year, month, quarter

    def __repr__(self):
        return f"<Period {self.kind} {self.start}..{self.end}>"

    def __eq__(self, other):
        return isinstance(other, Period) and self.params() == other.params()

    @property
    def label(self):
        """How the heading names it (Vietnamese, like the legal forms):
        ``Tháng 11/2026``, ``Quý IV/2026``, ``Năm 2026`` or
        ``Từ 01/11/2026 đến 15/11/2026``."""
        if self.kind == "month":
            return f"Tháng {self.month:02d}/{self.year}"
        if self.kind == "quarter":
            return f"Quý {ROMAN[self.quarter - 1]}/{self.year}"
        if self.kind == "year":
            return f"Năm {self.year}"
        return f"Từ {format_date(self.start)} đến {format_date(self.end)}"

    @property
    def slug(self):
        """A file-name part: ``2026-11``, ``2026-q4``, ``2026``,
        ``20261101-20261115``."""
        if self.kind == "month":
            return f"{self.year}-{self.month:02d}"
        if self.kind == "quarter":
            return f"{self.year}-q{self.quarter}"
        if self.kind == "year":
            return str(self.year)
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    def params(self):
        """The request parameters that name this period again."""
        if self.kind == "month":
            return {"period": "month", "year": self.year, "month": self.month}
        if self.kind == "quarter":
            return {"period": "quarter", "year": self.year, "quarter": self.quarter}
        if self.kind == "year":
            return {"period": "year", "year": self.year}
        return {
            "period": "range",
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }

    def query(self):
        """A DateIndex range covering the period's local days."""
        start = to_datetime(self.start)
        end = to_datetime(self.end + timedelta(days=1)) - ONE_SECOND
        return {"query": (start, end), "range": "min:max"}

    def contains(self, value):
        """True when a date (or the local date of a datetime) is inside."""
        if value is None:
            return False
        if hasattr(value, "date"):
            value = value.date()
        return self.start <= value <= self.end

    def shifted(self, step):
        """The same kind of period ``step`` periods later (earlier when
        negative); a range moves by its own length."""
        if self.kind == "month":
            index = self.year * 12 + self.month - 1 + step
            return month(index // 12, index % 12 + 1)
        if self.kind == "quarter":
            index = self.year * 4 + self.quarter - 1 + step
            return quarter(index // 4, index % 4 + 1)
        if self.kind == "year":
            return year(self.year + step)
        length = (self.end - self.start).days + 1
        delta = timedelta(days=length * step)
        return Period("range", self.start + delta, self.end + delta)


def month(year_, month_):
    start = date(year_, month_, 1)
    end = date(year_ + month_ // 12, month_ % 12 + 1, 1) - timedelta(days=1)
    return Period("month", start, end, year=year_, month=month_)


def quarter(year_, quarter_):
    first = 3 * (quarter_ - 1) + 1
    start = date(year_, first, 1)
    end = month(year_, first + 2).end
    return Period("quarter", start, end, year=year_, quarter=quarter_)


def year(year_):
    return Period("year", date(year_, 1, 1), date(year_, 12, 31), year=year_)


def date_range(start, end):
    return Period("range", start, end)


def _refuse(field, message):
    return InvalidDataError(message, field=field)


def _int(form, name, low, high, default):
    value = form.get(name)
    if value in (None, ""):
        return default
    if isinstance(value, (list, tuple, dict)):
        value = None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise _refuse(
            name,
            _(
                "error_period_number",
                default="${name}: write a whole number from ${low} to ${high}.",
                mapping={"name": name, "low": low, "high": high},
            ),
        )
    return number


def from_request(form, default_year=None, default_kind="month"):
    """The period a request asks for; refuses what it cannot be.

    Without parameters: the current month (or January of ``default_year``
    when that is another year, e.g. a register kept for 2025).
    """
    current = today()
    kind = form.get("period") or default_kind
    if kind not in KINDS:
        raise _refuse(
            "period",
            _(
                "error_period_kind",
                default='period: "month", "quarter", "year" or "range".',
            ),
        )
    base_year = default_year or current.year
    year_ = _int(form, "year", MIN_YEAR, MAX_YEAR, base_year)
    if kind == "month":
        default_month = current.month if year_ == current.year else 1
        return month(year_, _int(form, "month", 1, 12, default_month))
    if kind == "quarter":
        default_quarter = (current.month - 1) // 3 + 1 if year_ == current.year else 1
        return quarter(year_, _int(form, "quarter", 1, 4, default_quarter))
    if kind == "year":
        return year(year_)
    start = parse_date(
        form.get("start"), "start", _("label_period_start", default="From")
    )
    end = parse_date(form.get("end"), "end", _("label_period_end", default="To"))
    if start is None or end is None:
        raise _refuse(
            "start" if start is None else "end",
            _("error_period_dates", default="Give both dates of the period."),
        )
    if end < start:
        raise _refuse(
            "end",
            _("error_period_order", default="The period ends before it starts."),
        )
    if (end - start).days > MAX_RANGE_DAYS:
        raise _refuse(
            "end",
            _(
                "error_period_length",
                default="A period covers at most five years.",
            ),
        )
    return date_range(start, end)
