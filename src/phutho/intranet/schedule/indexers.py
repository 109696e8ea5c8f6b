"""Calendar entries in Plone's own ``start`` and ``end`` indexes and
columns (local date-times; all-day entries from midnight to midnight), so
feeds and listings sort and select them by date."""

from datetime import datetime
from datetime import timedelta
from phutho.intranet.content.workcalendar import ICalendarEntry
from phutho.intranet.content.workcalendar import parse_time
from phutho.intranet.dates import to_datetime
from plone.indexer import indexer


def _moment(day, time):
    hours, minutes = time or (0, 0)
    return datetime(day.year, day.month, day.day, hours, minutes)


@indexer(ICalendarEntry)
def entry_start(obj):
    if obj.day is None:
        return None
    return to_datetime(_moment(obj.day, parse_time(obj.start_time)))


@indexer(ICalendarEntry)
def entry_end(obj):
    if obj.day is None:
        return None
    end = parse_time(obj.end_time)
    if end:
        return to_datetime(_moment(obj.day, end))
    start = parse_time(obj.start_time)
    if start:
        return to_datetime(_moment(obj.day, start) + timedelta(hours=1))
    return to_datetime(_moment(obj.day, None) + timedelta(days=1))
