"""The province's calendar at the register: numbers restart at 1 on
1 January in Asia/Ho_Chi_Minh (UTC+7), so 17:00 UTC on 31/12 is already
the new year; a month period ends at local midnight too. The same holds
whatever zone the Zope process itself runs in (TZ=UTC on most servers).

The wall clock is moved with time-machine (a timestamp, so the process's
own zone stays what the test sets).
"""

from contextlib import contextmanager
from datetime import datetime
from datetime import timezone
from phutho.intranet.dates import format_date
from phutho.intranet.dates import localize
from phutho.intranet.dates import today
from phutho.intranet.numbering.api import last_number
from phutho.intranet.numbering.symbol import format_number
from phutho.intranet.reports import periods
from phutho.intranet.reports.registers import register_table
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import OUTGOING_TO_SIGNED
from phutho.intranet.testing import PHUTHO_DEMO_INTEGRATION_TESTING
from phutho.intranet.testing import run_transitions
from phutho.intranet.upgrades import v1010
from phutho.intranet.workflow.api import do_transition
from plone.app.testing import login
from Products.CMFCore.indexing import processQueue

import itertools
import os
import time
import time_machine
import unittest

ZONES = ("UTC", "Asia/Ho_Chi_Minh")


def utc(*parts):
    """The timestamp of a UTC wall-clock moment."""
    return datetime(*parts, tzinfo=timezone.utc).timestamp()


# The year ending (2026 today; a later one when the suite runs later, so
# that the demo documents, made on the real clock, never fall in the year
# after it).
YEAR = max(2026, today().year)
# 23:59:30 and 00:00:30 in the province.
LAST_OF_YEAR = utc(YEAR, 12, 31, 16, 59, 30)
FIRST_OF_NEXT_YEAR = utc(YEAR, 12, 31, 17, 0, 30)
LAST_OF_NOVEMBER = utc(YEAR, 11, 30, 16, 59, 30)
FIRST_OF_DECEMBER = utc(YEAR, 11, 30, 17, 0, 30)


@contextmanager
def process_zone(name):
    """Run the block with the process's local zone set to ``name``."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


class CalendarCase(unittest.TestCase):
    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")
        self.incoming = self.agency["so-den"]
        self.outgoing = self.agency["so-di"]
        self.serial = itertools.count(1)

    def registered(self, moment):
        """An incoming document received and registered at ``moment``."""
        with time_machine.travel(moment, tick=True):
            login(self.portal, "vanthu.sokhcn")
            document = create_incoming(
                self.agency, number_symbol=f"{next(self.serial)}/BKHCN-VP"
            )
            do_transition(document, "register")
        self.assertEqual(document.register, self.incoming.UID())
        return document

    def signed(self):
        """An outgoing công văn of the CNTT unit, signed (not issued)."""
        login(self.portal, "chuyenvien.sokhcn")
        document = create_outgoing(
            self.agency,
            "cntt",
            internal_recipients=[agency(self.portal, "so-noi-vu").UID()],
        )
        run_transitions(self.portal, document, OUTGOING_TO_SIGNED)
        return document

    def issued(self, document, moment):
        with time_machine.travel(moment, tick=True):
            login(self.portal, "vanthu.sokhcn")
            do_transition(document, "issue")
        self.assertEqual(document.register, self.outgoing.UID())
        return document

    def entries(self, register, period):
        """``(date, number)`` of the register's rows in ``period``, as the
        register page shows them (the clerk's view)."""
        login(self.portal, "vanthu.sokhcn")
        table = register_table(register, period, url=False)
        if register.direction == "incoming":
            return {(row[0], row[1]) for row in table.rows}
        return {(row[1], row[0]) for row in table.rows}  # issued date, symbol


class TestYearChange(CalendarCase):
    """31/12/2026 16:59:30 UTC is 23:59:30 in the province (2026's numbers
    go on); 17:00:30 UTC is 00:00:30 on 01/01/2027: number 1 again."""

    def check_incoming_year_change(self):
        base = last_number(self.incoming, YEAR)
        late = self.registered(LAST_OF_YEAR)
        first = self.registered(FIRST_OF_NEXT_YEAR)
        second = self.registered(FIRST_OF_NEXT_YEAR + 5)

        self.assertEqual(late.arrival_number, base + 1)
        self.assertEqual((first.arrival_number, second.arrival_number), (1, 2))
        self.assertEqual(last_number(self.incoming, YEAR), base + 1)
        self.assertEqual(last_number(self.incoming, YEAR + 1), 2)
        self.assertEqual(format_date(late.arrival_date), f"31/12/{YEAR}")
        self.assertEqual(late.arrival_date.strftime("%H:%M"), "23:59")
        self.assertEqual(format_date(first.arrival_date), f"01/01/{YEAR + 1}")
        self.assertEqual(first.arrival_date.strftime("%H:%M"), "00:00")

        new_year = {(f"01/01/{YEAR + 1}", "01"), (f"01/01/{YEAR + 1}", "02")}
        old_year = (f"31/12/{YEAR}", format_number(base + 1))
        for period in (periods.year(YEAR + 1), periods.month(YEAR + 1, 1)):
            with self.subTest(period=period):
                self.assertEqual(self.entries(self.incoming, period), new_year)
        for period in (periods.year(YEAR), periods.month(YEAR, 12)):
            with self.subTest(period=period):
                entries = self.entries(self.incoming, period)
                self.assertIn(old_year, entries)
                self.assertFalse(entries & new_year)

    def check_outgoing_year_change(self):
        base = last_number(self.outgoing, YEAR)
        late = self.issued(self.signed(), LAST_OF_YEAR)
        first = self.issued(self.signed(), FIRST_OF_NEXT_YEAR)

        self.assertEqual(late.number, base + 1)
        self.assertEqual(first.number, 1)
        self.assertEqual(first.symbol, "01/SKHCN-CNTT")
        self.assertEqual(late.symbol, f"{format_number(base + 1)}/SKHCN-CNTT")
        self.assertEqual(format_date(late.issued_date), f"31/12/{YEAR}")
        self.assertEqual(format_date(first.issued_date), f"01/01/{YEAR + 1}")
        self.assertEqual(last_number(self.outgoing, YEAR + 1), 1)
        self.assertEqual(
            self.entries(self.outgoing, periods.year(YEAR + 1)),
            {(f"01/01/{YEAR + 1}", "01/SKHCN-CNTT")},
        )
        in_old_year = self.entries(self.outgoing, periods.year(YEAR))
        self.assertIn((f"31/12/{YEAR}", late.symbol), in_old_year)
        self.assertNotIn((f"01/01/{YEAR + 1}", "01/SKHCN-CNTT"), in_old_year)

    def test_incoming_process_in_utc(self):
        with process_zone("UTC"):
            self.check_incoming_year_change()

    def test_incoming_process_in_ho_chi_minh(self):
        with process_zone("Asia/Ho_Chi_Minh"):
            self.check_incoming_year_change()

    def test_outgoing_process_in_utc(self):
        with process_zone("UTC"):
            self.check_outgoing_year_change()

    def test_outgoing_process_in_ho_chi_minh(self):
        with process_zone("Asia/Ho_Chi_Minh"):
            self.check_outgoing_year_change()

    def test_draft_of_the_first_hour_is_of_the_new_year(self):
        # A draft not yet issued is filed (document_year, the search's year
        # facet) by the day it was made in the province, not on the server.
        catalog = self.portal.portal_catalog
        for zone in ZONES:
            with self.subTest(zone=zone), process_zone(zone):
                with time_machine.travel(FIRST_OF_NEXT_YEAR, tick=True):
                    login(self.portal, "chuyenvien.sokhcn")
                    draft = create_outgoing(self.agency, "cntt")
                found = catalog.unrestrictedSearchResults(
                    UID=draft.UID(), document_year=YEAR + 1
                )
                self.assertEqual([b.getObject() for b in found], [draft])

    def test_upgrade_files_drafts_of_the_first_hours_again(self):
        # 1009 → 1010: a site that ran in UTC filed such drafts under the
        # year before; the upgrade step indexes them again, and only them.
        catalog = self.portal.portal_catalog
        login(self.portal, "chuyenvien.sokhcn")
        with time_machine.travel(FIRST_OF_NEXT_YEAR, tick=True):
            early = create_outgoing(self.agency, "cntt")
        with time_machine.travel(FIRST_OF_NEXT_YEAR + 8 * 3600, tick=True):
            later = create_outgoing(self.agency, "cntt")

        class Stale:
            document_year = YEAR

        processQueue()  # their own indexing first, or it would undo the stale one
        for draft in (early, later):
            path = "/".join(draft.getPhysicalPath())
            catalog.catalog_object(
                Stale(), uid=path, idxs=["document_year"], update_metadata=0
            )

        def year_of(draft):
            return [
                year
                for year in (YEAR, YEAR + 1)
                if catalog.unrestrictedSearchResults(
                    UID=draft.UID(), document_year=year
                )
            ]

        self.assertEqual((year_of(early), year_of(later)), ([YEAR], [YEAR]))
        # Those made before 07:00 on a 1 January in the province (the demo's
        # too, when the suite itself runs then), no other.
        first_hours = [
            brain
            for brain in catalog.unrestrictedSearchResults(
                portal_type="OutgoingDocument"
            )
            if localize(brain.created).strftime("%m-%d") == "01-01"
            and localize(brain.created).hour < 7
        ]
        self.assertIn(early.UID(), [brain.UID for brain in first_hours])
        self.assertEqual(v1010.reindex_new_year_drafts(), len(first_hours))
        self.assertEqual(year_of(early), [YEAR + 1])
        self.assertEqual(year_of(later), [YEAR])  # not of the first hours


class TestMonthChange(CalendarCase):
    """30/11/2026 16:59:30 UTC is still November in the province, 17:00:30
    UTC is 01/12: the month periods split there, the numbers go on."""

    def check_month_change(self):
        base = last_number(self.incoming, YEAR)
        november = self.registered(LAST_OF_NOVEMBER)
        december = self.registered(FIRST_OF_DECEMBER)
        self.assertEqual(
            (november.arrival_number, december.arrival_number), (base + 1, base + 2)
        )
        last_day = (f"30/11/{YEAR}", format_number(base + 1))
        first_day = (f"01/12/{YEAR}", format_number(base + 2))
        in_november = self.entries(self.incoming, periods.month(YEAR, 11))
        in_december = self.entries(self.incoming, periods.month(YEAR, 12))
        self.assertIn(last_day, in_november)
        self.assertNotIn(first_day, in_november)
        # The demo documents may have arrived on 01/12 too (the real clock).
        self.assertIn(first_day, in_december)
        self.assertNotIn(last_day, in_december)
        self.assertEqual(format_date(november.arrival_date), f"30/11/{YEAR}")
        self.assertEqual(format_date(december.arrival_date), f"01/12/{YEAR}")
        first_of_december = periods.date_range(
            december.arrival_date.date(), december.arrival_date.date()
        )
        self.assertNotIn(last_day, self.entries(self.incoming, first_of_december))

    def test_month_change_process_in_utc(self):
        with process_zone("UTC"):
            self.check_month_change()

    def test_month_change_process_in_ho_chi_minh(self):
        with process_zone("Asia/Ho_Chi_Minh"):
            self.check_month_change()
