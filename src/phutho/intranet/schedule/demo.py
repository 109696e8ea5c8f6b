"""The demo's work calendar: this week of Sở Khoa học và Công nghệ,
published to its officials, with one appointment moved afterwards (the
page marks it)."""

from datetime import timedelta
from phutho.intranet.content.workcalendar import monday_of
from phutho.intranet.dates import today
from phutho.intranet.schedule.setup import calendar_of
from phutho.intranet.schedule.weeks import week_id
from plone import api
from plone.dexterity.utils import createContentInContainer
from zope.lifecycleevent import modified

AGENCY_ID = "so-khcn"
CLERK = "vanthu.sokhcn"
# (day of the week, start, end, content, chair, participants, place, unit)
ENTRIES = (
    (
        0,
        "08:00",
        "09:30",
        "Giao ban lãnh đạo Sở đầu tuần",
        "Giám đốc Sở",
        "Lãnh đạo Sở, trưởng các phòng",
        "Phòng họp tầng 2",
        "Văn phòng Sở",
    ),
    (
        1,
        "14:00",
        "16:30",
        "Làm việc với UBND xã Hạ Hòa về chuyển đổi số",
        "Phó Giám đốc Sở",
        "Phòng Công nghệ thông tin",
        "UBND xã Hạ Hòa",
        "Phòng Công nghệ thông tin",
    ),
    (
        3,
        "08:30",
        "11:00",
        "Hội nghị tổng kết công tác chuyển đổi số năm 2026",
        "Giám đốc Sở",
        "Đại diện các sở, ngành",
        "Hội trường UBND tỉnh",
        "Văn phòng Sở",
    ),
    (
        4,
        None,
        None,
        "Tiếp công dân định kỳ",
        "Phó Giám đốc Sở",
        "Thanh tra Sở",
        "Trụ sở tiếp công dân",
        "Thanh tra Sở",
    ),
)


def import_calendar(folder):
    """This week's calendar of the demo agency, once."""
    agency = folder.get(AGENCY_ID)
    calendar = calendar_of(agency)
    if calendar is None or calendar.get(week_id(today())) is not None:
        return None
    start = monday_of(today())
    with api.env.adopt_user(username=CLERK):
        week = createContentInContainer(
            calendar, "WorkWeek", week_start=start, checkConstraints=False
        )
        entries = []
        for offset, begin, end, title, chair, people, place, unit in ENTRIES:
            entries.append(
                createContentInContainer(
                    week,
                    "CalendarEntry",
                    title=title,
                    day=start + timedelta(days=offset),
                    start_time=begin,
                    end_time=end,
                    chair=chair,
                    participants=people,
                    place=place,
                    preparing_unit=unit,
                    checkConstraints=False,
                )
            )
        api.content.transition(week, transition="publish_internal")
        # Moved after publication: the page marks the change.
        entries[2].place = "Trung tâm Hội nghị tỉnh"
        modified(entries[2])
    return week
