"""The work calendar (lịch công tác, issue 13): each agency's weeks,
edited by its clerks, published to its officials or to everyone, printed
as the weekly A4 table, fed as iCalendar; what changed after publication
is marked. Pages through zope.testbrowser, the API over HTTP."""

from datetime import timedelta
from icalendar import Calendar
from lxml import html
from phutho.intranet.content.workcalendar import monday_of
from phutho.intranet.dates import format_date
from phutho.intranet.dates import today
from phutho.intranet.schedule.setup import CALENDAR_ID
from phutho.intranet.schedule.weeks import week_id
from phutho.intranet.testing import agency
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import RestSession
from phutho.intranet.testing import signed_in_browser
from plone import api
from plone.dexterity.utils import createContentInContainer
from zExceptions import Unauthorized
from zope.lifecycleevent import modified

import transaction
import unittest

CLERK = "vanthu.sokhcn"
LEADER = "lanhdao.sokhcn"
SPECIALIST = "chuyenvien.sokhcn"


class CalendarCase(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.app = self.layer["app"]
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")
        self.calendar = self.agency[CALENDAR_ID]
        self.sessions = []

    def tearDown(self):
        for session in self.sessions:
            session.close()

    def browser(self, user_id=None):
        return signed_in_browser(self.app, user_id)

    def page(self, browser):
        return html.fromstring(browser.contents)

    def texts(self, browser, selector):
        return [
            " ".join(e.text_content().split())
            for e in self.page(browser).cssselect(selector)
        ]

    def rest(self, user_id=None):
        auth = (user_id, DEMO_PASSWORD) if user_id else None
        session = RestSession(self.portal.absolute_url(), auth=auth)
        self.sessions.append(session)
        return session

    def path(self, obj):
        return obj.absolute_url()[len(self.portal.absolute_url()) :]

    def next_week(self, weeks=3):
        """A week no demo data uses."""
        return monday_of(today()) + timedelta(days=7 * weeks)

    def make_week(self, start, entries=(), publish=None):
        with api.env.adopt_user(username=CLERK):
            week = createContentInContainer(
                self.calendar, "WorkWeek", week_start=start, checkConstraints=False
            )
            for offset, title, place in entries:
                createContentInContainer(
                    week,
                    "CalendarEntry",
                    title=title,
                    day=start + timedelta(days=offset),
                    start_time="08:00",
                    place=place,
                    checkConstraints=False,
                )
            if publish:
                api.content.transition(week, transition=publish)
        return week


class TestCalendarPages(CalendarCase):
    def test_every_agency_has_its_calendar_and_the_demo_week(self):
        for agency_obj in self.portal["co-quan"].objectValues():
            self.assertEqual(agency_obj[CALENDAR_ID].portal_type, "WorkCalendar")
        browser = self.browser(SPECIALIST)
        browser.open(self.calendar.absolute_url())
        self.assertTrue(self.texts(browser, "#calendar-current h2"))
        week = self.calendar[week_id(today())]
        browser.open(week.absolute_url())
        # The appointment moved after publication is marked, with where
        # it was to be.
        rows = self.texts(browser, ".phutho-week-entry")
        moved = [r for r in rows if "Hội nghị tổng kết" in r][0]
        self.assertIn("Thay đổi", moved)
        self.assertIn("Hội trường UBND tỉnh", moved)
        self.assertIn("Trung tâm Hội nghị tỉnh", moved)
        self.assertEqual(len(self.texts(browser, ".phutho-week-day-row")), 7)

    def test_clerk_makes_a_week_through_the_forms(self):
        transaction.commit()
        browser = self.browser(CLERK)
        browser.open(self.calendar.absolute_url())
        browser.getLink(id="calendar-add-week").click()
        start = self.next_week(5)
        browser.getControl(name="form.widgets.week_start").value = (
            start + timedelta(days=2)
        ).isoformat()
        browser.getControl(name="form.buttons.save").click()
        week = self.calendar[week_id(start)]
        self.assertTrue(browser.url.startswith(week.absolute_url()))
        self.assertEqual(week.week_start, start)  # any day: its Monday
        self.assertIn(format_date(start + timedelta(days=6)), week.Title())
        self.assertEqual(api.content.get_state(week), "draft")

        # The same week again is refused at its field.
        browser.open(f"{self.calendar.absolute_url()}/++add++WorkWeek")
        browser.getControl(name="form.widgets.week_start").value = start.isoformat()
        browser.getControl(name="form.buttons.save").click()
        self.assertIn("++add++WorkWeek", browser.url)
        self.assertIn(
            "Tuần này đã có lịch",
            " ".join(self.texts(browser, "#formfield-form-widgets-week_start")),
        )

        # An appointment: its day starts as the week's; a day of another
        # week is refused.
        browser.open(week.absolute_url())
        browser.getLink(id="week-add-entry").click()
        self.assertEqual(
            browser.getControl(name="form.widgets.day").value, start.isoformat()
        )
        browser.getControl(name="form.widgets.day").value = (
            start + timedelta(days=8)
        ).isoformat()
        browser.getControl(name="form.widgets.title").value = "Họp giao ban"
        browser.getControl(name="form.buttons.save").click()
        self.assertIn(
            "không thuộc tuần này",
            " ".join(self.texts(browser, "#formfield-form-widgets-day")),
        )
        browser.getControl(name="form.widgets.day").value = (
            start + timedelta(days=1)
        ).isoformat()
        browser.getControl(name="form.widgets.start_time").value = "14h30"
        browser.getControl(name="form.widgets.place").value = "Phòng họp 1"
        browser.getControl(name="form.buttons.save").click()
        browser.open(week.absolute_url())
        row = self.texts(
            browser,
            f"#day-{(start + timedelta(days=1)).isoformat()} .phutho-week-entry",
        )
        self.assertEqual(len(row), 1)
        self.assertIn("14:30", row[0])
        self.assertIn("Phòng họp 1", row[0])

    def test_who_sees_a_week(self):
        week = self.make_week(self.next_week(), [(0, "Giao ban", "Phòng họp")])
        transaction.commit()
        url = week.absolute_url()

        def can_see(user_id):
            browser = self.browser(user_id)
            try:
                browser.open(url)
            except Unauthorized:
                return False
            return True

        self.assertTrue(can_see(CLERK))
        self.assertTrue(can_see(LEADER))
        self.assertFalse(can_see(SPECIALIST))  # a draft
        browser = self.browser(CLERK)
        browser.open(url)
        browser.getLink(id="week-action-publish_internal").click()
        transaction.begin()
        self.assertEqual(api.content.get_state(week), "internal")
        self.assertTrue(can_see(SPECIALIST))
        self.assertFalse(can_see("chuyenvien.snv"))  # another agency
        self.assertFalse(can_see(None))
        browser.open(url)
        browser.getLink(id="week-action-publish_public").click()
        transaction.begin()
        self.assertTrue(can_see(None))
        self.assertTrue(can_see("chuyenvien.snv"))
        # Officials read, clerks write.
        self.assertFalse(
            api.user.has_permission(
                "Modify portal content", username=SPECIALIST, obj=week
            )
        )
        self.assertFalse(
            api.user.has_permission(
                "phutho.intranet: Publish work calendar", username=SPECIALIST, obj=week
            )
        )

    def test_changes_after_publication_are_marked(self):
        start = self.next_week(2)
        week = self.make_week(
            start,
            [
                (0, "Giao ban", "Phòng họp 1"),
                (2, "Hội nghị", "Hội trường"),
                (3, "Tiếp dân", "Trụ sở"),
            ],
            publish="publish_internal",
        )
        entries = {e.title: e for e in week.objectValues()}
        with api.env.adopt_user(username=CLERK):
            entries["Giao ban"].place = "Phòng họp 2"
            modified(entries["Giao ban"])
            entries["Hội nghị"].cancelled = True
            modified(entries["Hội nghị"])
            createContentInContainer(
                week,
                "CalendarEntry",
                title="Làm việc với đoàn kiểm tra",
                day=start + timedelta(days=4),
                checkConstraints=False,
            )
            # After publication clerks cancel; they no longer delete.
            self.assertFalse(
                api.user.has_permission("Delete objects", obj=entries["Tiếp dân"])
            )
        with api.env.adopt_roles(["Manager"]):  # a webmaster may
            api.content.delete(entries["Tiếp dân"])
        transaction.commit()

        browser = self.browser(SPECIALIST)
        browser.open(week.absolute_url())
        texts = self.texts(browser, ".phutho-week-entry")

        def row(title):
            return [text for text in texts if title in text][0]

        self.assertIn("Thay đổi", row("Giao ban"))
        self.assertIn("Phòng họp 1", row("Giao ban"))  # what was published
        self.assertIn("Hoãn, hủy", row("Hội nghị"))
        self.assertTrue(self.page(browser).cssselect(".phutho-cancelled"))
        self.assertIn("Mới", row("Làm việc với đoàn kiểm tra"))
        self.assertIn("Tiếp dân", " ".join(self.texts(browser, "#week-removed li")))

        # Printed the same way, on A4, every day of the week.
        browser.open(f"{week.absolute_url()}/@@print")
        self.assertIn("size: A4 landscape", browser.contents)
        days = self.texts(browser, "#print-table td.day")
        self.assertEqual(len(days), 7)
        self.assertTrue(days[0].startswith("Thứ Hai"))
        self.assertIn("(Thay đổi)", " ".join(self.texts(browser, "#print-table td")))

        # And fed: cancelled, changed, new.
        browser.open(f"{week.absolute_url()}/@@ical")
        self.assertTrue(browser.headers["Content-Type"].startswith("text/calendar"))
        events = {
            str(event["summary"]): event
            for event in Calendar.from_ical(browser.contents).walk("VEVENT")
        }
        self.assertEqual(events["Hội nghị (đã hủy)"]["status"], "CANCELLED")
        self.assertIn("Giao ban (đã thay đổi)", events)
        self.assertEqual(
            str(events["Giao ban (đã thay đổi)"]["location"]), "Phòng họp 2"
        )
        new = events["Làm việc với đoàn kiểm tra (mới)"]
        self.assertEqual(new.decoded("dtstart"), start + timedelta(days=4))  # all day
        changed = events["Giao ban (đã thay đổi)"]
        self.assertEqual(changed.decoded("dtstart").hour, 8)
        self.assertEqual(str(changed.decoded("dtstart").tzinfo), "Asia/Ho_Chi_Minh")

    def test_feed_of_an_agency_follows_who_reads_it(self):
        self.make_week(
            self.next_week(6), [(0, "Nội bộ", "Phòng họp")], "publish_internal"
        )
        self.make_week(
            self.next_week(7), [(0, "Công khai", "Hội trường")], "publish_public"
        )
        self.make_week(self.next_week(8), [(0, "Dự thảo", "Phòng họp")])
        transaction.commit()
        url = f"{self.path(self.calendar)}/@@ical"

        def summaries(user_id):
            response = self.rest(user_id).get(url, headers={"Accept": "text/calendar"})
            self.assertEqual(response.status_code, 200)
            return {
                str(e["summary"])
                for e in Calendar.from_ical(response.content).walk("VEVENT")
            }

        self.assertLessEqual({"Nội bộ", "Công khai", "Dự thảo"}, summaries(CLERK))
        official = summaries(SPECIALIST)
        self.assertLessEqual({"Nội bộ", "Công khai"}, official)
        self.assertNotIn("Dự thảo", official)
        anonymous = summaries(None)
        self.assertIn("Công khai", anonymous)
        self.assertFalse({"Nội bộ", "Dự thảo"} & anonymous)


class TestCalendarApi(CalendarCase):
    def test_weeks_and_entries_through_the_api(self):
        transaction.commit()
        api_ = self.rest(CLERK)
        start = self.next_week(9)
        response = api_.post(
            self.path(self.calendar),
            json={
                "@type": "WorkWeek",
                "week_start": (start + timedelta(days=3)).isoformat(),
            },
        )
        self.assertEqual(response.status_code, 201, response.text)
        week_url = response.json()["@id"]
        self.assertTrue(week_url.endswith(week_id(start)))
        self.assertEqual(response.json()["week_start"], start.isoformat())
        again = api_.post(
            self.path(self.calendar),
            json={"@type": "WorkWeek", "week_start": start.isoformat()},
        )
        self.assertEqual(again.status_code, 400, again.text)
        self.assertEqual(again.json()["error"]["field"], "week_start")

        entry = {
            "@type": "CalendarEntry",
            "title": "Họp triển khai",
            "day": (start + timedelta(days=1)).isoformat(),
            "start_time": "09:00",
            "place": "Phòng họp",
        }
        self.assertEqual(api_.post(week_url, json=entry).status_code, 201)
        outside = dict(entry, day=(start - timedelta(days=1)).isoformat())
        refused = api_.post(week_url, json=outside)
        self.assertEqual(refused.status_code, 400, refused.text)
        self.assertEqual(refused.json()["error"]["field"], "day")
        bad_time = api_.post(week_url, json=dict(entry, start_time="9 giờ"))
        self.assertEqual(bad_time.status_code, 400, bad_time.text)

        # A specialist cannot write, nor publish; the clerk publishes.
        specialist = self.rest(SPECIALIST)
        self.assertIn(
            specialist.post(week_url, json=dict(entry, title="Không được")).status_code,
            (401, 403),
        )
        published = api_.post(f"{week_url}/@workflow/publish_internal")
        self.assertEqual(published.status_code, 200, published.text)
        listing = specialist.get(week_url).json()
        self.assertEqual([i["title"] for i in listing["items"]], ["Họp triển khai"])

    def test_upgrade_makes_missing_calendars(self):
        from phutho.intranet.upgrades.v1007 import work_calendars

        other = agency(self.portal, "so-noi-vu")
        with api.env.adopt_roles(["Manager"]):
            api.content.delete(other[CALENDAR_ID])
        self.assertEqual(work_calendars(), 1)
        self.assertEqual(other[CALENDAR_ID].portal_type, "WorkCalendar")
        self.assertEqual(work_calendars(), 0)
