"""Dates as the province sees them: Asia/Ho_Chi_Minh, shown dd/mm/yyyy.

Numbering years, deadlines and period folders follow the local calendar,
not UTC: a document registered at 06:30 on 1 January local time belongs to
the new year although it is still 31 December in UTC.
"""

from datetime import date
from datetime import datetime
from DateTime import DateTime
from phutho.intranet import _
from phutho.intranet.exc import InvalidDataError
from zope.globalrequest import getRequest
from zope.i18n import translate

import pytz

TIMEZONE_NAME = "Asia/Ho_Chi_Minh"
TIMEZONE = pytz.timezone(TIMEZONE_NAME)

# Every date the portal stores lies in this range: documents of the
# Vietnamese state (from 1945) up to deadlines in this century. Outside it
# a date is a typing mistake, and before 1945 the zone's historical
# offsets (local mean time +07:06:40 until 1906) cannot be indexed.
DATE_MIN = date(1945, 1, 1)
DATE_MAX = date(2100, 12, 31)
DATETIME_MIN = datetime(1945, 1, 1)
DATETIME_MAX = datetime(2100, 12, 31, 23, 59, 59)


def now():
    """Return the current local time, timezone-aware."""
    return datetime.now(TIMEZONE)


def today():
    """Return today's date in the province."""
    return now().date()


def localize(value):
    """Return ``value`` as an aware local datetime.

    Naive datetimes are taken as local time (that is what clerks type);
    aware ones are converted; Zope ``DateTime`` values are accepted too.
    """
    if value is None:
        return None
    if hasattr(value, "timeTime"):  # Zope DateTime
        # From the absolute time, not the parts: a DateTime made before the
        # process's TZ was applied carries local wall-clock parts labelled
        # UTC, and only its timeTime() is right.
        return datetime.fromtimestamp(value.timeTime(), TIMEZONE)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return TIMEZONE.localize(value)
        return value.astimezone(TIMEZONE)
    if isinstance(value, date):
        return TIMEZONE.localize(datetime(value.year, value.month, value.day))
    raise TypeError(f"Not a date: {value!r}")


def format_date(value):
    """Format a date or datetime as ``dd/mm/yyyy`` (empty for None)."""
    if value is None:
        return ""
    if isinstance(value, datetime) or hasattr(value, "timeTime"):
        value = localize(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value):
    """Format a datetime as ``dd/mm/yyyy HH:MM`` in local time."""
    if value is None:
        return ""
    return localize(value).strftime("%d/%m/%Y %H:%M")


def to_datetime(value):
    """Date or datetime -> DateTime in Asia/Ho_Chi_Minh (None stays None),
    for catalog queries (DateTime arithmetic for range ends)."""
    if value is None:
        return None
    return DateTime(localize(value).isoformat())


def index_date(value):
    """The value indexed and kept as metadata: plain dates stay dates,
    date-times become local DateTimes (None stays None)."""
    if value is None or not isinstance(value, datetime):
        return value
    return to_datetime(value)


DEADLINE = _("label_deadline", default="Deadline")


def parse_date(value, field="deadline", label=DEADLINE):
    """A date from transition data or a form: a date, ``YYYY-MM-DD``,
    ``DD/MM/YYYY`` or a whole ISO date-time (its local date); None and ""
    stay None.

    Refuses (:class:`InvalidDataError` on ``field``, naming ``label``)
    anything else, and dates outside :data:`DATE_MIN`..:data:`DATE_MAX`.
    """
    if value in (None, ""):
        return None
    parsed = None
    if isinstance(value, datetime):
        parsed = value.date()
    elif isinstance(value, date):
        parsed = value
    elif isinstance(value, str):
        parsed = _parse_date_text(value.strip())
    if parsed is None or not DATE_MIN <= parsed <= DATE_MAX:
        raise InvalidDataError(
            _(
                "error_bad_date",
                default="${field}: write a date between ${min} and ${max} as "
                "dd/mm/yyyy or yyyy-mm-dd.",
                mapping={
                    "field": translate(label, context=getRequest()),
                    "min": format_date(DATE_MIN),
                    "max": format_date(DATE_MAX),
                },
            ),
            field=field,
        )
    return parsed


def _parse_date_text(text):
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    try:  # a whole ISO date-time (clients send them): its local date
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.date()
    if not DATETIME_MIN <= moment.replace(tzinfo=None) <= DATETIME_MAX:
        return None  # converting could leave the calendar (year 10000)
    return localize(moment).date()
