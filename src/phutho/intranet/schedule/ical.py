"""The iCalendar feed (RFC 5545) of a calendar or a week, built with the
``icalendar`` package: one VEVENT per entry the reader may see, in the
province's time zone; appointments without a time are all-day events;
a cancelled one is STATUS:CANCELLED; what changed after publication says
so in its summary, and its SEQUENCE grows with each change, so calendar
programs update what they copied."""

from datetime import datetime
from datetime import timedelta
from icalendar import Calendar
from icalendar import Event
from phutho.intranet import _
from phutho.intranet.content.workcalendar import parse_time
from phutho.intranet.dates import localize
from phutho.intranet.dates import TIMEZONE_NAME
from phutho.intranet.schedule.changes import change_of
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo
from zope.i18n import translate

PRODID = "-//phutho.intranet//Lich cong tac//VI"
MARKS = {
    "new": _("ical_mark_new", default="new"),
    "changed": _("ical_mark_changed", default="changed"),
    "cancelled": _("ical_mark_cancelled", default="cancelled"),
}


ZONE = ZoneInfo(TIMEZONE_NAME)


def _moment(day, time):
    hours, minutes = time
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=ZONE)


def event_of(entry, request, host):
    """The VEVENT of one entry."""
    event = Event()
    event.add("uid", f"{entry.UID()}@{host}")
    start = parse_time(entry.start_time)
    end = parse_time(entry.end_time)
    if start:
        begin = _moment(entry.day, start)
        event.add("dtstart", begin)
        event.add(
            "dtend", _moment(entry.day, end) if end else begin + timedelta(hours=1)
        )
    else:
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + timedelta(days=1))
    summary = entry.title
    change = change_of(entry)
    if change is not None:
        mark = translate(MARKS[change["kind"]], context=request)
        summary = f"{summary} ({mark})"
    event.add("summary", summary)
    if entry.place:
        event.add("location", entry.place)
    labels = (
        ("chair", _("label_entry_chair", default="Chaired by (chủ trì)")),
        (
            "participants",
            _("label_entry_participants", default="Participants (thành phần)"),
        ),
        (
            "preparing_unit",
            _("label_entry_preparing_unit", default="Prepared by (đơn vị chuẩn bị)"),
        ),
    )
    lines = [
        f"{translate(label, context=request)}: {getattr(entry, name)}"
        for name, label in labels
        if getattr(entry, name, None)
    ]
    if lines:
        event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    created = localize(entry.created()).astimezone(ZONE)
    modified = localize(entry.modified()).astimezone(ZONE)
    event.add("dtstamp", modified)
    event.add("created", created)
    event.add("last-modified", modified)
    # Grows with every change (seconds since creation): no counter kept.
    event.add("sequence", max(0, int((modified - created).total_seconds())))
    event.add("url", entry.absolute_url())
    return event


def calendar_of(name, entries, request, url):
    """The whole feed as bytes."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TIMEZONE_NAME)
    host = urlsplit(url).hostname or "localhost"
    for entry in entries:
        calendar.add_component(event_of(entry, request, host))
    calendar.add_missing_timezones()
    return calendar.to_ical()
