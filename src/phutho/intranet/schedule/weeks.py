"""Weeks: each week of a calendar once, named and titled by its dates."""

from Acquisition import aq_base
from datetime import timedelta
from phutho.intranet import _
from phutho.intranet.content.workcalendar import CalendarEntry
from phutho.intranet.content.workcalendar import IWorkCalendar
from phutho.intranet.content.workcalendar import IWorkWeek
from phutho.intranet.content.workcalendar import monday_of
from phutho.intranet.content.workcalendar import parse_time
from phutho.intranet.dates import format_date
from phutho.intranet.dates import today
from phutho.intranet.exc import InvalidDataError
from plone.app.content.interfaces import INameFromTitle
from zope.component import adapter
from zope.i18n import translate
from zope.interface import implementer

# Titles are content, in the portal's language.
CONTENT_LANGUAGE = "vi"


def week_id(day):
    """``tuan-2026-49``: the ISO year and week of ``day``."""
    year, week, _weekday = day.isocalendar()
    return f"tuan-{year}-{week:02d}"


def week_title(day):
    """``Tuần 49 (30/11 – 06/12/2026)``."""
    start = monday_of(day)
    end = start + timedelta(days=6)
    return translate(
        _(
            "title_work_week",
            default="Week ${number} (${start} – ${end})",
            mapping={
                "number": start.isocalendar()[1],
                "start": start.strftime("%d/%m"),
                "end": format_date(end),
            },
        ),
        target_language=CONTENT_LANGUAGE,
    )


def default_week_start():
    """The week a clerk is likely to prepare: from Thursday on, next
    week; before, this one."""
    day = today()
    start = monday_of(day)
    return start + timedelta(days=7) if day.weekday() >= 3 else start


@implementer(INameFromTitle)
@adapter(IWorkWeek)
class WeekName:
    """Weeks are named by their ISO week (``tuan-2026-49``), for the
    add form and the REST API alike."""

    def __init__(self, context):
        self.context = context

    @property
    def title(self):
        start = self.context.week_start
        return week_id(start) if start else None


def other_week(calendar, day, exclude=None):
    """The week of ``calendar`` already covering ``day``, if any."""
    if calendar is None or day is None:
        return None
    found = calendar.get(week_id(day))
    if found is None or not IWorkWeek.providedBy(found):
        return None
    if exclude is not None and aq_base(found) is aq_base(exclude):
        return None
    return found


def duplicate_week_error():
    return InvalidDataError(
        _(
            "error_week_exists",
            default="This week has its calendar already: add to it.",
        ),
        field="week_start",
    )


def normalize_week(week, event=None):
    """Subscriber (added, modified): the week starts on a Monday, its
    title says which week, and no other week of the calendar covers it."""
    if not week.week_start:
        return
    start = monday_of(week.week_start)
    calendar = week.__parent__ if IWorkCalendar.providedBy(week.__parent__) else None
    if other_week(calendar, start, exclude=week) is not None:
        raise duplicate_week_error()
    title = week_title(start)
    if week.week_start != start or week.title != title:
        week.week_start = start
        week.title = title
        week.reindexObject()


def entry_week(entry):
    parent = getattr(entry, "__parent__", None)
    return parent if IWorkWeek.providedBy(parent) else None


def day_outside_week_error():
    return InvalidDataError(
        _(
            "error_entry_outside_week",
            default="The day is not in this week: add it to its own week.",
        ),
        field="day",
    )


def check_entry(entry, event=None):
    """Subscriber (added, modified): an entry's day is in its week."""
    week = entry_week(entry)
    if week is None or not week.week_start or entry.day is None:
        return
    if not week.week_start <= entry.day <= week.week_end:
        raise day_outside_week_error()


def entry_sort_key(entry):
    """Day, then time (all-day first), then title."""
    time = parse_time(getattr(entry, "start_time", None)) or (-1, -1)
    return (entry.day, time, entry.title or "")


def week_entries(week):
    """The week's entries in order (a week holds a few dozen)."""
    return sorted(
        (obj for obj in week.objectValues() if isinstance(obj, CalendarEntry)),
        key=entry_sort_key,
    )
