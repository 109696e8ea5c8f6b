"""Dates as the province sees them: Asia/Ho_Chi_Minh, shown dd/mm/yyyy.

Numbering years, deadlines and period folders follow the local calendar,
not UTC: a document registered at 06:30 on 1 January local time belongs to
the new year although it is still 31 December in UTC.
"""

from datetime import date
from datetime import datetime

import pytz

TIMEZONE_NAME = "Asia/Ho_Chi_Minh"
TIMEZONE = pytz.timezone(TIMEZONE_NAME)


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
