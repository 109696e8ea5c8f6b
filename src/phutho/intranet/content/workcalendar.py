"""The work calendar (lịch công tác) of an agency's leadership.

Each agency has one ``WorkCalendar`` holding a ``WorkWeek`` per week; a
week holds its ``CalendarEntry`` items (day, time, place, chair,
participants, content, preparing unit). Clerks edit the weeks; the week's
workflow publishes it to the agency's officials or to everyone; what
changed after publication is marked (``schedule/changes.py``).
"""

from datetime import timedelta
from phutho.intranet import _
from phutho.intranet.content.fields import DocumentDate
from phutho.intranet.content.fields import PlainText
from phutho.intranet.content.fields import PlainTextLine
from plone.dexterity.content import Container
from plone.dexterity.content import Item
from plone.supermodel import model
from zope import schema
from zope.interface import implementer
from zope.interface import Invalid
from zope.interface import invariant
from zope.schema import ValidationError

import re

TIME_RE = re.compile(r"^(?:[01]?\d|2[0-3])[:hH][0-5]\d$")


class InvalidTime(ValidationError):
    __doc__ = _("error_calendar_time", default="Write the time as 08:00 or 14h30.")


def time_constraint(value):
    if value and not TIME_RE.match(value.strip()):
        raise InvalidTime(value)
    return True


def parse_time(value):
    """``(hours, minutes)`` of ``08:00`` / ``14h30``, or None."""
    if not value or not TIME_RE.match(value.strip()):
        return None
    hours, minutes = re.split(r"[:hH]", value.strip())
    return int(hours), int(minutes)


def monday_of(day):
    """The Monday starting ``day``'s week."""
    return day - timedelta(days=day.weekday())


class IWorkCalendar(model.Schema):
    """An agency's work calendar: its weeks."""

    title = PlainTextLine(title=_("label_calendar_title", default="Title"))
    description = PlainText(
        title=_("label_calendar_description", default="Description"),
        required=False,
    )


@implementer(IWorkCalendar)
class WorkCalendar(Container):
    """Holds the agency's weeks."""


class IWorkWeek(model.Schema):
    """One week of the calendar."""

    week_start = DocumentDate(
        title=_("label_week_start", default="Week starting (Monday)"),
        description=_(
            "help_week_start",
            default="Any day of the week will do: the week starts on its Monday.",
        ),
    )
    note = PlainText(
        title=_("label_week_note", default="Note"),
        required=False,
        max_length=2000,
    )


@implementer(IWorkWeek)
class WorkWeek(Container):
    """A week's schedule; its title says which week."""

    title = ""
    # Set when the week is published: {entry id: field values}, and what
    # was removed afterwards (schedule/changes.py).
    published_snapshot = None
    removed_after_publication = None

    @property
    def week_end(self):
        return self.week_start + timedelta(days=6) if self.week_start else None


class ICalendarEntry(model.Schema):
    """One appointment of the leadership."""

    day = DocumentDate(title=_("label_entry_day", default="Day"))
    start_time = schema.TextLine(
        title=_("label_entry_start", default="From (time)"),
        description=_(
            "help_entry_time", default="e.g. 08:00 or 14h30; empty: all day."
        ),
        required=False,
        max_length=5,
        constraint=time_constraint,
    )
    end_time = schema.TextLine(
        title=_("label_entry_end", default="To (time)"),
        required=False,
        max_length=5,
        constraint=time_constraint,
    )
    title = PlainTextLine(
        title=_("label_entry_content", default="Content (nội dung)"),
        max_length=500,
    )
    chair = PlainTextLine(
        title=_("label_entry_chair", default="Chaired by (chủ trì)"),
        required=False,
        max_length=200,
    )
    participants = PlainText(
        title=_("label_entry_participants", default="Participants (thành phần)"),
        required=False,
        max_length=2000,
    )
    place = PlainTextLine(
        title=_("label_entry_place", default="Place (địa điểm)"),
        required=False,
        max_length=300,
    )
    preparing_unit = PlainTextLine(
        title=_("label_entry_preparing_unit", default="Prepared by (đơn vị chuẩn bị)"),
        required=False,
        max_length=300,
    )
    cancelled = schema.Bool(
        title=_("label_entry_cancelled", default="Cancelled (hoãn, hủy)"),
        description=_(
            "help_entry_cancelled",
            default="A published appointment is cancelled rather than deleted: "
            "readers see that it no longer takes place.",
        ),
        required=False,
        default=False,
    )

    @invariant
    def times_in_order(data):
        start = parse_time(getattr(data, "start_time", None))
        end = parse_time(getattr(data, "end_time", None))
        if start and end and end < start:
            raise Invalid(
                _("error_calendar_times", default="It cannot end before it starts.")
            )


@implementer(ICalendarEntry)
class CalendarEntry(Item):
    """An appointment of the week it is in."""

    cancelled = False
    start_time = None
    end_time = None

    # Fields compared with what was published (schedule/changes.py).
    COMPARED = (
        "day",
        "start_time",
        "end_time",
        "title",
        "chair",
        "participants",
        "place",
        "preparing_unit",
        "cancelled",
    )
