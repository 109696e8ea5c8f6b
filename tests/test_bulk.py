"""Bulk import of a legacy system's documents (phutho.intranet.bulk).

Values read from the sources (unit tests), then imports into the demo
site that commit as ``phutho-import`` does (each test its own database):
numbers, dates, states and files kept, counters raised so numbering goes
on after them, refusals reported with the reason while the rest is
stored, an interrupted import started again going on without doubles,
a conflicting batch done again, edXML messages in and out.
``tests/test_cluster.py`` runs the console script itself against the
cluster, killed midway and started again.
"""

from datetime import date
from datetime import datetime
from pathlib import Path
from phutho.intranet.bulk.importer import Importer
from phutho.intranet.bulk.importer import journal
from phutho.intranet.bulk.records import choose
from phutho.intranet.bulk.records import fold
from phutho.intranet.bulk.records import parse_date
from phutho.intranet.bulk.records import parse_datetime
from phutho.intranet.bulk.records import parse_direction
from phutho.intranet.bulk.records import parse_number
from phutho.intranet.bulk.records import Refused
from phutho.intranet.bulk.sources import CSV_COLUMNS
from phutho.intranet.bulk.sources import CsvSource
from phutho.intranet.bulk.sources import EdxmlSource
from phutho.intranet.bulk.sources import open_source
from phutho.intranet.content.vocabularies import URGENCY
from phutho.intranet.dates import today
from phutho.intranet.numbering.api import last_number
from phutho.intranet.testing import agency
from phutho.intranet.testing import PHUTHO_DEMO_FUNCTIONAL_TESTING
from phutho.intranet.workflow.api import do_transition
from phutho.intranet.workflow.history import history_of
from plone import api
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from ZODB.POSException import ConflictError

import csv
import shutil
import tempfile
import transaction
import unittest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "data" / "edxml-samples"
PDF = (REPO / "tests" / "fixtures" / "qd15.pdf").read_bytes()


class TestValues(unittest.TestCase):
    def test_dates(self):
        self.assertEqual(parse_date("05/03/2024", "d"), date(2024, 3, 5))
        self.assertEqual(parse_date("2024-03-05", "d"), date(2024, 3, 5))
        self.assertIsNone(parse_date(" ", "d"))
        self.assertEqual(
            parse_datetime("05/03/2024 14:30", "a"), datetime(2024, 3, 5, 14, 30)
        )
        self.assertEqual(parse_datetime("05/03/2024", "a"), datetime(2024, 3, 5, 8))
        for bad in ("32/01/2024", "2024-13-01", "hôm qua", "01/01/1900"):
            with self.subTest(bad=bad), self.assertRaises(Refused) as caught:
                parse_datetime(bad, "arrival_date")
            self.assertIn("arrival_date", str(caught.exception))

    def test_numbers(self):
        self.assertEqual(parse_number("05"), 5)
        self.assertIsNone(parse_number(""))
        for bad in ("0", "-3", "5a", "1.5"):
            with self.subTest(bad=bad), self.assertRaises(Refused):
                parse_number(bad)

    def test_direction_and_choices(self):
        self.assertEqual(parse_direction("Văn bản đến"), "incoming")
        self.assertEqual(parse_direction("đi"), "outgoing")
        with self.assertRaises(Refused):
            parse_direction("sideways")
        self.assertEqual(choose("Khẩn", URGENCY, "urgency"), "urgent")
        self.assertEqual(choose("very_urgent", URGENCY, "urgency"), "very_urgent")
        self.assertEqual(choose("", URGENCY, "urgency", "normal"), "normal")
        with self.assertRaises(Refused):
            choose("rất gấp", URGENCY, "urgency")
        self.assertEqual(fold("Quyết định"), "quyet dinh")

    def test_open_source(self):
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        (folder / "a.csv").write_text("id\n")
        self.assertIsInstance(open_source(folder / "a.csv"), CsvSource)
        self.assertIsInstance(open_source(folder), EdxmlSource)
        with self.assertRaises(SystemExit):
            open_source(folder / "a.txt")


class ImportCase(unittest.TestCase):
    layer = PHUTHO_DEMO_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.agency = agency(self.portal, "so-khcn")
        # The export in a folder of its own: a file "outside" it (../) is
        # then in this test's own directory, not in the shared /tmp.
        root = Path(tempfile.mkdtemp(prefix="phutho-bulk-"))
        self.addCleanup(shutil.rmtree, root)
        self.folder = root / "export"
        (self.folder / "files").mkdir(parents=True)
        (self.folder / "files" / "qd.pdf").write_bytes(PDF)
        (self.folder / "files" / "phu-luc.pdf").write_bytes(PDF)

    def write_csv(self, rows):
        path = self.folder / "documents.csv"
        with open(path, "w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, CSV_COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerow(row)
        return CsvSource(path)

    def incoming(self, ident, number, **extra):
        row = {
            "id": ident,
            "agency": "so-khcn",
            "direction": "incoming",
            "register": "so-den",
            "number": str(number),
            "state": "registered",
            "title": f"Về việc kiểm kê tài sản năm 2024 ({ident})",
            "document_type": "Công văn",
            "number_symbol": f"{number}/STC-QLCS",
            "document_date": "01/03/2024",
            "arrival_date": "05/03/2024 09:15",
            "sender_name": "Sở Tài chính",
            "sender_organ_id": "000.00.12.H43",
            "urgency": "Khẩn",
            "file": "files/qd.pdf",
        }
        row.update(extra)
        return row

    def importer(self, **kwargs):
        refused = []
        importer = Importer(
            self.portal, on_refused=lambda k, r: refused.append((k, r)), **kwargs
        )
        return importer, refused

    def document(self, key):
        return api.content.get(UID=journal(self.portal)[key])


class TestCsvImport(ImportCase):
    def test_numbers_dates_states_and_files_are_kept(self):
        source = self.write_csv(
            [
                self.incoming("d1", 1),
                self.incoming(
                    "d2",
                    2,
                    state="completed",
                    completed_date="20/03/2024 16:00",
                    annexes="files/phu-luc.pdf",
                ),
                self.incoming("d3", 3, arrival_date="02/04/2024 08:00"),
                {
                    "id": "o1",
                    "agency": "so-khcn",
                    "direction": "outgoing",
                    "register": "so-di",
                    "number": "15",
                    "title": "Quyết định ban hành quy chế năm 2024",
                    "document_type": "QĐ",
                    "number_symbol": "15/QĐ-SKHCN",
                    "issued_date": "10/04/2024",
                    "recipients": "Sở Tài chính; UBND tỉnh Phú Thọ",
                    "file": "files/qd.pdf",
                },
            ]
        )
        importer, refused = self.importer(batch=2)
        result = importer.run(source)
        self.assertEqual(refused, [])
        self.assertEqual((result.imported, result.skipped), (4, 0))

        first = self.document("csv:documents.csv:d1")
        self.assertEqual(first.arrival_number, 1)
        self.assertEqual(first.register, self.agency["so-den"].UID())
        self.assertEqual(first.arrival_date, datetime(2024, 3, 5, 9, 15))
        self.assertEqual(first.document_date, date(2024, 3, 1))
        self.assertEqual(first.urgency, "urgent")
        self.assertEqual(first.document_type, "cong-van")
        self.assertEqual(first.main_file.data, PDF)
        self.assertEqual(api.content.get_state(first), "registered")
        # Filed in the month it arrived, not today's.
        self.assertEqual(first.getPhysicalPath()[-4:-1], ("van-ban-den", "2024", "03"))
        actions = [(e["action"], e["time"].date()) for e in history_of(first)]
        self.assertIn(("register", date(2024, 3, 5)), actions)
        self.assertEqual(history_of(first)[-1]["arrival_number"], 1)

        second = self.document("csv:documents.csv:d2")
        self.assertEqual(api.content.get_state(second), "completed")
        complete = [e for e in history_of(second) if e["action"] == "complete"]
        self.assertEqual(complete[0]["time"].date(), date(2024, 3, 20))
        self.assertEqual([o.portal_type for o in second.objectValues()], ["Annex"])

        third = self.document("csv:documents.csv:d3")
        self.assertEqual(third.getPhysicalPath()[-3:-1], ("2024", "04"))

        issued = self.document("csv:documents.csv:o1")
        self.assertEqual(api.content.get_state(issued), "issued")
        self.assertEqual(
            (issued.number, issued.symbol, issued.issued_date),
            (15, "15/QĐ-SKHCN", date(2024, 4, 10)),
        )
        self.assertEqual(issued.document_type, "quyet-dinh")
        self.assertEqual(issued.signed_file.data, PDF)
        self.assertEqual(
            issued.external_recipients, ["Sở Tài chính", "UBND tỉnh Phú Thọ"]
        )

        # Catalogued as the registers query them; the clerk sees them.
        login(self.portal, "vanthu.sokhcn")
        catalog = api.portal.get_tool("portal_catalog")
        found = catalog(
            register_uid=self.agency["so-den"].UID(),
            path="/".join(self.agency.getPhysicalPath()) + "/van-ban-den/2024",
            sort_on="register_number",
        )
        self.assertEqual([b.register_number for b in found], [1, 2, 3])
        self.assertEqual(len(catalog(SearchableText="kiem ke tai san")), 3)

        # The counters go on after the highest number of each year.
        self.assertEqual(last_number(self.agency["so-den"], 2024), 3)
        self.assertEqual(last_number(self.agency["so-di"], 2024), 15)

    def test_numbering_continues_after_imported_numbers(self):
        """Imported into this year: the next registration takes the next
        number."""
        # The province's year, and its first minute: never after now.
        this_year = today().year
        source = self.write_csv(
            [
                self.incoming(
                    "n1",
                    7,
                    arrival_date=f"01/01/{this_year} 00:00",
                    document_date=f"01/01/{this_year}",
                )
            ]
        )
        self.importer()[0].run(source)
        login(self.portal, "vanthu.sokhcn")
        from phutho.intranet.testing import create_incoming

        fresh = create_incoming(self.agency, number_symbol="9/BTC-VP")
        do_transition(fresh, "register", data={"register": self.agency["so-den"].UID()})
        self.assertEqual(fresh.arrival_number, 8)

    def test_dates_after_today_are_refused(self):
        rows = [
            self.incoming("ok", 1),
            self.incoming("future-arrival", 2, arrival_date="05/03/2099 09:15"),
            self.incoming("future-letter", 3, document_date="01/03/2099"),
            self.incoming(
                "future-completion",
                4,
                state="completed",
                completed_date="05/03/2099 10:00",
            ),
        ]
        importer, refused = self.importer()
        result = importer.run(self.write_csv(rows))
        reasons = dict(refused)
        self.assertEqual(result.imported, 1)
        self.assertEqual(
            reasons["csv:documents.csv:future-arrival"],
            "arrival_date 05/03/2099 is after today",
        )
        self.assertIn("document_date", reasons["csv:documents.csv:future-letter"])
        self.assertIn("completed_date", reasons["csv:documents.csv:future-completion"])
        self.assertEqual(last_number(self.agency["so-den"], 2099), 0)

    def test_refusals_say_why_and_the_rest_is_stored(self):
        (self.folder.parent / "secret.pdf").write_bytes(b"%PDF-1.4 secret")
        self.addCleanup((self.folder.parent / "secret.pdf").unlink)
        rows = [
            self.incoming("ok1", 1),
            self.incoming("bad-date", 2, arrival_date="31/02/2024"),
            self.incoming("bad-agency", 3, agency="so-khong-co"),
            self.incoming("bad-type", 4, document_type="Thư tình"),
            self.incoming("bad-state", 5, state="assigned"),
            self.incoming("same-number", 1),
            self.incoming("escape", 6, file="../secret.pdf"),
            self.incoming("missing-file", 7, file="files/khong-co.pdf"),
            self.incoming("no-number", ""),
            self.incoming("bad-direction", 8, direction="ngang"),
            self.incoming("ok2", 9),
            {"id": "", "title": "Không có mã"},
        ]
        rows.append(self.incoming("ok1", 10))  # the same id again
        importer, refused = self.importer(batch=3)
        result = importer.run(self.write_csv(rows))
        reasons = dict(refused)
        self.assertEqual(result.imported, 2)
        self.assertIn("arrival_date", reasons["csv:documents.csv:bad-date"])
        self.assertIn("so-khong-co", reasons["csv:documents.csv:bad-agency"])
        self.assertIn("Thư tình", reasons["csv:documents.csv:bad-type"])
        self.assertIn("assigned", reasons["csv:documents.csv:bad-state"])
        self.assertIn("already in register", reasons["csv:documents.csv:same-number"])
        self.assertIn("outside", reasons["csv:documents.csv:escape"])
        self.assertIn("does not exist", reasons["csv:documents.csv:missing-file"])
        self.assertIn("number is empty", reasons["csv:documents.csv:no-number"])
        self.assertIn("direction", reasons["csv:documents.csv:bad-direction"])
        self.assertIn("id is empty", reasons["csv:documents.csv:line 13"])
        self.assertIn("id repeated", reasons["csv:documents.csv:ok1 (line 14)"])
        self.assertEqual(len(refused), 11)
        self.assertEqual(
            set(journal(self.portal)),
            {"csv:documents.csv:ok1", "csv:documents.csv:ok2"},
        )
        # Nothing of a refused record was kept.
        catalog = api.portal.get_tool("portal_catalog")
        titles = [
            b.Title
            for b in catalog.unrestrictedSearchResults(
                portal_type="IncomingDocument",
                path="/".join(self.agency.getPhysicalPath()),
            )
        ]
        self.assertFalse([t for t in titles if "bad-" in t or "escape" in t])
        self.assertEqual(
            result.gaps(),
            {
                ("/".join(self.agency["so-den"].getPhysicalPath()), 2024): list(
                    range(2, 9)
                )
            },
        )

    def test_an_interrupted_import_goes_on_without_doubles(self):
        rows = [self.incoming(f"r{i}", i) for i in range(1, 8)]
        source = self.write_csv(rows)

        class Interrupted(Exception):
            pass

        def stop_after_first_batch(result):
            if result.imported >= 3:
                raise Interrupted()

        importer = Importer(self.portal, batch=3, on_record=stop_after_first_batch)
        with self.assertRaises(Interrupted):
            importer.run(source)
        transaction.abort()  # the process died: nothing after the commit
        self.assertEqual(len(journal(self.portal)), 3)
        result = Importer(self.portal, batch=3).run(source)
        self.assertEqual((result.skipped, result.imported), (3, 4))
        numbers = sorted(
            self.document(f"csv:documents.csv:r{i}").arrival_number for i in range(1, 8)
        )
        self.assertEqual(numbers, list(range(1, 8)))
        catalog = api.portal.get_tool("portal_catalog")
        self.assertEqual(
            len(
                catalog.unrestrictedSearchResults(
                    register_uid=self.agency["so-den"].UID(),
                    path="/".join(self.agency.getPhysicalPath()) + "/van-ban-den/2024",
                )
            ),
            7,
        )

    def test_a_conflicting_batch_is_done_again(self):
        conflicts = []

        def conflict_once():
            if not conflicts:
                conflicts.append(1)
                raise ConflictError("a clerk numbered in the same register")

        source = self.write_csv([self.incoming("c1", 1), self.incoming("c2", 2)])
        importer = Importer(self.portal, batch=5)
        original = importer._raise_counters

        def raise_counters(outcome):
            original(outcome)
            transaction.get().addBeforeCommitHook(conflict_once)

        importer._raise_counters = raise_counters
        result = importer.run(source)
        self.assertEqual((result.imported, result.retried_batches), (2, 1))
        self.assertEqual(len(journal(self.portal)), 2)
        self.assertEqual(last_number(self.agency["so-den"], 2024), 2)


@unittest.skipUnless(SAMPLES.is_dir(), "the official edXML samples")
class TestEdxmlImport(ImportCase):
    def copy(self, name, data=None):
        target = self.folder / "edxml" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if data is None:
            data = (SAMPLES / Path(name).name).read_bytes()
        target.write_bytes(data)
        return target

    def test_messages_in_and_out(self):
        own = self.agency.organ_id.encode()
        sample = (SAMPLES / "edoc_new.edxml").read_bytes()
        self.copy("den/edoc_new.edxml")
        # The agency's own issued document: from it, numbered 15.
        self.copy(
            "di/qd-15.edxml",
            sample.replace(b"002.00.20.H13", own).replace(b"74fass22", b"15"),
        )
        self.copy("den/status_finish_06.edxml")
        self.copy("den/hong.edxml", b"<edXML>not a message")
        (self.folder / "edxml" / "index.csv").write_text(
            "file,number,arrival_date,state\n"
            "den/edoc_new.edxml,41,17/01/2019 10:20,completed\n"
        )
        importer, refused = self.importer(agency="so-khcn")
        result = importer.run(EdxmlSource(self.folder / "edxml"))
        reasons = dict(refused)
        self.assertEqual(result.imported, 2, reasons)
        self.assertIn(
            "status message", reasons["edxml:edxml/den/status_finish_06.edxml"]
        )
        self.assertIn("edXML", reasons["edxml:edxml/den/hong.edxml"])

        incoming = self.document("edxml:edxml/den/edoc_new.edxml")
        self.assertEqual(incoming.portal_type, "IncomingDocument")
        self.assertEqual(incoming.arrival_number, 41)
        self.assertEqual(incoming.arrival_date, datetime(2019, 1, 17, 10, 20))
        self.assertEqual(incoming.sender_organ_id, "002.00.20.H13")
        self.assertEqual(incoming.channel, "exchange")
        self.assertEqual(api.content.get_state(incoming), "completed")
        self.assertTrue(incoming.main_file.size)

        issued = self.document("edxml:edxml/di/qd-15.edxml")
        self.assertEqual(issued.portal_type, "OutgoingDocument")
        self.assertEqual((issued.number, issued.symbol), (15, "15/VPCP-TTĐT"))
        self.assertEqual(issued.issued_date, date(2019, 1, 16))
        self.assertEqual(api.content.get_state(issued), "issued")
        self.assertEqual(last_number(self.agency["so-di"], 2019), 15)

    def test_incoming_without_an_arrival_number_is_refused(self):
        self.copy("edoc_new.edxml")
        importer, refused = self.importer(agency="so-khcn")
        result = importer.run(EdxmlSource(self.folder / "edxml"))
        self.assertEqual(result.imported, 0)
        self.assertIn("index.csv", refused[0][1])
