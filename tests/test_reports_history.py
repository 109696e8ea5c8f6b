"""Processing history beyond transitions: draft versions (CMFEditions)
listed with author and time, viewed and compared; the access log of who
opened a document and its files, written in batches (no database write
per page view), shown to leaders and clerks, pruned after its period."""

from datetime import date
from datetime import datetime
from datetime import timedelta
from lxml import html
from phutho.intranet import versions
from phutho.intranet.accesslog import storage
from phutho.intranet.accesslog import writer
from phutho.intranet.dates import TIMEZONE
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import PHUTHO_DEMO_FUNCTIONAL_TESTING
from phutho.intranet.testing import signed_in_browser
from phutho.intranet.workflow.api import do_transition
from plone import api
from plone.namedfile.file import NamedBlobFile
from zExceptions import Unauthorized
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

import transaction
import unittest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class TestDraftVersions(unittest.TestCase):
    layer = PHUTHO_DEMO_FUNCTIONAL_TESTING

    def setUp(self):
        self.app = self.layer["app"]
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")

    def test_versions_listed_viewed_and_compared(self):
        with api.env.adopt_user(username="chuyenvien.sokhcn"):
            draft = create_outgoing(self.agency, "cntt", content="Bản thảo lần một.")
            draft.content = "Bản thảo lần hai.\nThêm một đoạn."
            notify(ObjectModifiedEvent(draft))
        with api.env.adopt_user(username="truongphong.sokhcn"):
            draft.title = "Về việc báo cáo (đã sửa)"
            notify(ObjectModifiedEvent(draft))
        with api.env.adopt_user(username="truongphong.sokhcn"):
            items = versions.versions(draft)
            first = versions.retrieve(draft, 0)
        self.assertEqual([i["version"] for i in items], [0, 1, 2])
        self.assertEqual(
            [i["actor"] for i in items],
            ["chuyenvien.sokhcn", "chuyenvien.sokhcn", "truongphong.sokhcn"],
        )
        self.assertEqual(first.content, "Bản thảo lần một.")
        changes = {c["field"]: c for c in versions.compare(first, draft)}
        self.assertEqual(set(changes), {"content", "title"})
        self.assertIn("+Thêm một đoạn.", changes["content"]["diff"])

        transaction.commit()
        head = signed_in_browser(self.app, "truongphong.sokhcn")
        head.open(f"{draft.absolute_url()}/@@draft-versions")
        page = html.fromstring(head.contents)
        rows = [
            [" ".join(td.text_content().split()) for td in tr.cssselect("td")]
            for tr in page.cssselect("#draft-versions tbody tr")
        ]
        self.assertEqual([r[0] for r in rows], ["0", "1", "2"])
        self.assertEqual(rows[2][2], "Phan Văn Long")
        head.getLink(id="version-view-0").click()
        self.assertIn("Bản thảo lần một.", head.contents)
        head.getLink(id="version-compare-0").click()
        self.assertIn(
            "Thêm một đoạn.",
            html.fromstring(head.contents)
            .cssselect("#version-changes")[0]
            .text_content(),
        )
        # Other officials of the agency do not see the drafts' history.
        other = signed_in_browser(self.app, "chuyenvien2.sokhcn")
        with self.assertRaises(Unauthorized):
            other.open(f"{draft.absolute_url()}/@@draft-versions")


class TestAccessLog(unittest.TestCase):
    layer = PHUTHO_DEMO_FUNCTIONAL_TESTING

    def setUp(self):
        self.app = self.layer["app"]
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")
        with api.env.adopt_user(username="vanthu.sokhcn"):
            self.document = create_incoming(
                self.agency,
                main_file=NamedBlobFile(
                    data=PDF, filename="vb.pdf", contentType="application/pdf"
                ),
            )
            do_transition(self.document, "register")
            do_transition(self.document, "submit")

    def set_batch(self, size, seconds):
        api.portal.set_registry_record("phutho.intranet.access_log_flush_size", size)
        api.portal.set_registry_record(
            "phutho.intranet.access_log_flush_seconds", seconds
        )
        transaction.commit()

    def test_views_batched_shown_to_leaders_and_clerks(self):
        self.set_batch(1000, 3600)
        db = self.app._p_jar.db()
        url = self.document.absolute_url()
        clerk = signed_in_browser(self.app, "vanthu.sokhcn")
        clerk.open(url)  # the first view may start the batch clock
        before = db.lastTransaction()
        clerk.open(url)
        clerk.open(f"{url}/@@download/main_file")
        leader = signed_in_browser(self.app, "lanhdao.sokhcn")
        leader.open(url)
        # Three views, no database write.
        self.assertEqual(db.lastTransaction(), before)
        self.assertEqual(len(writer.pending_for(self.portal, self.document.UID())), 4)

        # The log shows them already (pending ones included).
        leader.open(f"{url}/@@access-log")
        rows = [
            [" ".join(td.text_content().split()) for td in tr.cssselect("td")]
            for tr in html.fromstring(leader.contents).cssselect("#access-log tbody tr")
        ]
        self.assertEqual(len(rows), 4)
        self.assertEqual(rows[0][1], "Nguyễn Mạnh Cường")
        self.assertTrue(any("main_file" in r[2] for r in rows))
        self.assertIn("Trịnh Thị Thu", [r[1] for r in rows])

        # One write for the whole batch.
        self.assertEqual(writer.flush_all(), 4)
        self.assertNotEqual(db.lastTransaction(), before)
        transaction.begin()
        self.assertEqual(len(storage.entries_for(self.portal, self.document.UID())), 4)

        specialist = signed_in_browser(self.app, "chuyenvien.sokhcn")
        with self.assertRaises(Unauthorized):
            specialist.open(f"{url}/@@access-log")

    def test_batch_written_when_full_and_pruned(self):
        self.set_batch(2, 3600)
        clerk = signed_in_browser(self.app, "vanthu.sokhcn")
        clerk.open(self.document.absolute_url())
        clerk.open(self.document.absolute_url())
        transaction.begin()
        self.assertEqual(len(storage.entries_for(self.portal, self.document.UID())), 2)

        old = datetime.now(TIMEZONE) - timedelta(days=400)
        storage.add(self.portal, [(self.document.UID(), old.timestamp(), "x", "view")])
        self.assertEqual(len(storage.entries_for(self.portal, self.document.UID())), 3)
        self.assertEqual(storage.prune(self.portal, 365), 1)
        self.assertEqual(len(storage.entries_for(self.portal, self.document.UID())), 2)
        self.assertEqual(storage.prune(self.portal, 365, today=date.today()), 0)
