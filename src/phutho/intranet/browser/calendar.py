"""Pages of the work calendar (lịch công tác): the calendar with its weeks,
a week as the usual table (day by day: time, content, chair,
participants, place, preparing unit) with what changed after publication
marked, the week printed on A4, and the iCalendar feeds. Forms that guess
the week and the day, and refuse a day outside the week at its field.
"""

from datetime import timedelta
from phutho.intranet import _
from phutho.intranet import permissions
from phutho.intranet.browser.utils import state_title
from phutho.intranet.content.utils import find_agency
from phutho.intranet.content.workcalendar import ICalendarEntry
from phutho.intranet.content.workcalendar import IWorkCalendar
from phutho.intranet.content.workcalendar import IWorkWeek
from phutho.intranet.content.workcalendar import monday_of
from phutho.intranet.content.workcalendar import parse_time
from phutho.intranet.dates import format_date
from phutho.intranet.dates import format_datetime
from phutho.intranet.dates import to_datetime
from phutho.intranet.dates import today
from phutho.intranet.schedule import ical
from phutho.intranet.schedule.changes import change_of
from phutho.intranet.schedule.changes import is_published
from phutho.intranet.schedule.weeks import default_week_start
from phutho.intranet.schedule.weeks import entry_week
from phutho.intranet.schedule.weeks import other_week
from phutho.intranet.schedule.weeks import week_entries
from phutho.intranet.schedule.weeks import week_id
from plone import api
from plone.protect.authenticator import createToken
from Products.Five.browser import BrowserView
from urllib.parse import quote
from z3c.form import validator
from z3c.form.widget import ComputedWidgetAttribute
from zope.i18n import translate
from zope.interface import Invalid

WEEKDAYS = (
    _("weekday_0", default="Monday"),
    _("weekday_1", default="Tuesday"),
    _("weekday_2", default="Wednesday"),
    _("weekday_3", default="Thursday"),
    _("weekday_4", default="Friday"),
    _("weekday_5", default="Saturday"),
    _("weekday_6", default="Sunday"),
)
MARKS = {
    "new": (_("calendar_mark_new", default="New"), "bg-success"),
    "changed": (_("calendar_mark_changed", default="Changed"), "bg-warning text-dark"),
    "cancelled": (_("calendar_mark_cancelled", default="Cancelled"), "bg-danger"),
}
FIELD_TITLES = {
    "day": ICalendarEntry["day"].title,
    "start_time": ICalendarEntry["start_time"].title,
    "end_time": ICalendarEntry["end_time"].title,
    "title": ICalendarEntry["title"].title,
    "chair": ICalendarEntry["chair"].title,
    "participants": ICalendarEntry["participants"].title,
    "place": ICalendarEntry["place"].title,
    "preparing_unit": ICalendarEntry["preparing_unit"].title,
}
WEEK_LIMIT = 20  # weeks listed on the calendar's page, latest first
FEED_DAYS = 62  # a feed holds the last two months and what is planned


def day_title(day, request):
    """``Thứ Hai, 30/11/2026``."""
    return f"{translate(WEEKDAYS[day.weekday()], context=request)}, {format_date(day)}"


def time_text(entry):
    """``08:00 – 11:30``, ``14:00`` or "" (all day)."""
    start, end = parse_time(entry.start_time), parse_time(entry.end_time)
    parts = [f"{t[0]:02d}:{t[1]:02d}" for t in (start, end) if t]
    return " – ".join(parts)


def readable(name, value):
    if value in (None, ""):
        return "-"
    if name == "day":
        return format_date(value)
    return str(value)


class WeekTable:
    """The rows of a week for its page and its print: days in order, each
    with its entries and their marks."""

    def __init__(self, week, request):
        self.week = week
        self.request = request

    def entry_row(self, entry, can_edit):
        change = change_of(entry, self.week)
        mark = None
        was = []
        if change is not None:
            title, css = MARKS[change["kind"]]
            mark = {"text": translate(title, context=self.request), "css": css}
            was = [
                {
                    "label": translate(FIELD_TITLES[name], context=self.request),
                    "text": readable(name, value),
                }
                for name, value in change["fields"].items()
                if name in FIELD_TITLES
            ]
        return {
            "id": entry.getId(),
            "time": time_text(entry),
            "title": entry.title,
            "chair": entry.chair or "",
            "participants": entry.participants or "",
            "place": entry.place or "",
            "preparing_unit": entry.preparing_unit or "",
            "cancelled": bool(entry.cancelled),
            "mark": mark,
            "was": was,
            "edit_url": f"{entry.absolute_url()}/edit" if can_edit else None,
        }

    def days(self):
        """``[{"title", "date", "entries"}]`` for the seven days (empty
        days too: the printed week shows them)."""
        week = self.week
        can_edit = api.user.has_permission("Modify portal content", obj=week)
        by_day = {}
        for entry in week_entries(week):
            by_day.setdefault(entry.day, []).append(self.entry_row(entry, can_edit))
        start = week.week_start
        return [
            {
                "title": day_title(start + timedelta(days=offset), self.request),
                "iso": (start + timedelta(days=offset)).isoformat(),
                "today": start + timedelta(days=offset) == today(),
                "entries": by_day.get(start + timedelta(days=offset), []),
            }
            for offset in range(7)
        ]

    def removed(self):
        """What was deleted after publication."""
        return [
            {
                "day": day_title(item["day"], self.request) if item.get("day") else "",
                "title": item.get("title"),
                "removed": format_datetime(item.get("removed")),
            }
            for item in getattr(self.week, "removed_after_publication", None) or ()
        ]


class WeekView(BrowserView):
    """A week of the calendar (the week's default view)."""

    def __call__(self):
        self.update()
        return self.index()

    def update(self):
        week = self.context
        table = WeekTable(week, self.request)
        self.days = table.days()
        self.removed = table.removed()
        self.state = api.content.get_state(week)
        self.state_title = state_title(week.portal_type, self.state, self.request)
        self.published = is_published(week)
        self.agency = find_agency(week)
        self.calendar = week.__parent__
        url = week.absolute_url()
        self.links = {
            "print": f"{url}/@@print",
            "ical": f"{url}/@@ical",
            "calendar": self.calendar.absolute_url(),
        }
        self.add_url = (
            f"{url}/++add++CalendarEntry"
            if api.user.has_permission(permissions.AddCalendarEntry, obj=week)
            else None
        )
        self.actions = self.workflow_actions()
        self.neighbours = self.neighbour_weeks()
        self.has_entries = any(day["entries"] for day in self.days)

    def workflow_actions(self):
        wftool = api.portal.get_tool("portal_workflow")
        token = createToken()
        url = self.context.absolute_url()
        return [
            {
                "id": transition["id"],
                "title": translate(
                    transition["name"], domain="phutho.intranet", context=self.request
                ),
                "url": (
                    f"{url}/content_status_modify?workflow_action="
                    f"{quote(transition['id'])}&_authenticator={token}"
                ),
            }
            for transition in wftool.getTransitionsFor(self.context)
        ]

    def neighbour_weeks(self):
        """The weeks before and after, when they exist and may be seen."""
        found = []
        for offset, label in (
            (-7, _("label_previous_week", default="Previous week")),
            (7, _("label_next_week", default="Next week")),
        ):
            week = self.calendar.get(
                week_id(self.context.week_start + timedelta(days=offset))
            )
            if week is not None and api.user.has_permission("View", obj=week):
                found.append(
                    {
                        "url": week.absolute_url(),
                        "title": label,
                        "id": "prev" if offset < 0 else "next",
                    }
                )
        return found


class WeekPrint(WeekView):
    """The week as the usual A4 table, ready to print (landscape)."""

    def update(self):
        super().update()
        self.agency_title = self.agency.Title() if self.agency is not None else ""
        start = self.context.week_start
        self.period = _(
            "calendar_print_period",
            default="Week ${number}, from ${start} to ${end}",
            mapping={
                "number": start.isocalendar()[1],
                "start": format_date(start),
                "end": format_date(start + timedelta(days=6)),
            },
        )


class CalendarView(BrowserView):
    """An agency's calendar: this week's schedule first, then its weeks."""

    def __call__(self):
        self.update()
        return self.index()

    def update(self):
        calendar = self.context
        catalog = api.portal.get_tool("portal_catalog")
        brains = catalog(
            portal_type="WorkWeek",
            path={"query": "/".join(calendar.getPhysicalPath()), "depth": 1},
            sort_on="id",
            sort_order="descending",
            sort_limit=WEEK_LIMIT,
        )[:WEEK_LIMIT]
        self.weeks = [
            {
                "title": brain.Title,
                "url": brain.getURL(),
                "state": state_title("WorkWeek", brain.review_state, self.request),
                "current": brain.getId == week_id(today()),
            }
            for brain in brains
        ]
        current = calendar.get(week_id(today()))
        self.current = None
        if current is not None and api.user.has_permission("View", obj=current):
            self.current = {
                "title": current.Title(),
                "url": current.absolute_url(),
                "days": [
                    d for d in WeekTable(current, self.request).days() if d["entries"]
                ],
            }
        self.add_url = (
            f"{calendar.absolute_url()}/++add++WorkWeek"
            if api.user.has_permission(permissions.AddWorkWeek, obj=calendar)
            else None
        )
        self.ical_url = f"{calendar.absolute_url()}/@@ical"
        self.agency = find_agency(calendar)


class ICalFeed(BrowserView):
    """``@@ical`` of a calendar (every week the reader may see) or of a
    week: ``text/calendar``. Signed-in readers use their password (Basic
    authentication), anonymous readers get the weeks published to
    everyone."""

    def entries(self):
        """The entries the reader may see, from :data:`FEED_DAYS` ago on."""
        catalog = api.portal.get_tool("portal_catalog")
        brains = catalog(
            portal_type="CalendarEntry",
            path="/".join(self.context.getPhysicalPath()),
            start={
                "query": to_datetime(today() - timedelta(days=FEED_DAYS)),
                "range": "min",
            },
            sort_on="start",
        )
        return [brain.getObject() for brain in brains]

    def name(self):
        agency = find_agency(self.context)
        parts = [self.context.Title()]
        if agency is not None:
            parts.append(agency.Title())
        return " – ".join(parts)

    def __call__(self):
        body = ical.calendar_of(
            self.name(), self.entries(), self.request, self.context.absolute_url()
        )
        response = self.request.response
        response.setHeader("Content-Type", "text/calendar; charset=utf-8")
        filename = f"{self.context.getId()}.ics"
        response.setHeader("Content-Disposition", f'inline; filename="{filename}"')
        return body


# -- forms that guess the week and the day -------------------------------------


def _default_week_start(adapter):
    return default_week_start()


def _default_day(adapter):
    """The first day of the week being filled, or today when it is in it."""
    week = adapter.context if IWorkWeek.providedBy(adapter.context) else None
    if week is None or not week.week_start:
        return None
    day = today()
    return day if week.week_start <= day <= week.week_end else week.week_start


WeekStartDefault = ComputedWidgetAttribute(
    _default_week_start, field=IWorkWeek["week_start"]
)
EntryDayDefault = ComputedWidgetAttribute(_default_day, field=ICalendarEntry["day"])


class WeekStartValidator(validator.SimpleFieldValidator):
    """A calendar has each week once."""

    def validate(self, value):
        super().validate(value)
        calendar = self.context if IWorkCalendar.providedBy(self.context) else None
        exclude = None
        if IWorkWeek.providedBy(self.context):
            calendar, exclude = self.context.__parent__, self.context
        if value and other_week(calendar, monday_of(value), exclude=exclude):
            raise Invalid(
                _(
                    "error_week_exists",
                    default="This week has its calendar already: add to it.",
                )
            )


class EntryDayValidator(validator.SimpleFieldValidator):
    """An entry's day is in its week."""

    def validate(self, value):
        super().validate(value)
        week = self.context if IWorkWeek.providedBy(self.context) else None
        if week is None and ICalendarEntry.providedBy(self.context):
            week = entry_week(self.context)
        if value and week is not None and week.week_start:
            if not week.week_start <= value <= week.week_end:
                raise Invalid(
                    _(
                        "error_entry_outside_week",
                        default="The day is not in this week: add it to its own week.",
                    )
                )


validator.WidgetValidatorDiscriminators(
    WeekStartValidator, field=IWorkWeek["week_start"]
)
validator.WidgetValidatorDiscriminators(EntryDayValidator, field=ICalendarEntry["day"])
