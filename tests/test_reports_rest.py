"""The reports, case files, searches and logs through the REST API, over
HTTP: every action their pages offer."""

from datetime import date
from io import BytesIO
from phutho.intranet.reports import casefiles
from phutho.intranet.reports.registers import INCOMING_COLUMNS
from phutho.intranet.reports.tables import read_xlsx_rows
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import OUTGOING_TO_SIGNED
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import RestSession
from phutho.intranet.workflow.api import do_transition
from plone import api
from pypdf import PdfReader
from test_reports import StatisticsFixture
from test_reports_casefiles import pdf_file
from urllib.parse import urlencode
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.event import notify
from zope.intid.interfaces import IIntIds
from zope.lifecycleevent import ObjectModifiedEvent

import transaction
import unittest


class RestCase(StatisticsFixture, unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.sessions = {}
        self.make_fixture()

    def tearDown(self):
        for session in self.sessions.values():
            session.close()

    def as_(self, user_id):
        if user_id not in self.sessions:
            self.sessions[user_id] = RestSession(
                self.portal.absolute_url(), auth=(user_id, DEMO_PASSWORD)
            )
        return self.sessions[user_id]

    def path(self, obj):
        return obj.absolute_url()[len(self.portal.absolute_url()) :]

    def ok(self, response, status=200):
        self.assertEqual(response.status_code, status, response.text[:500])
        return response


class TestReportsRest(RestCase):
    def test_register_report(self):
        transaction.commit()
        clerk = self.as_("vanthu.sokhcn")
        url = f"{self.path(self.agency['so-den'])}/@register-report?{urlencode(self.period.params())}"
        body = self.ok(clerk.get(url)).json()
        self.assertEqual(body["columns"], list(INCOMING_COLUMNS))
        self.assertEqual(len(body["heading"]), 3)
        self.assertEqual(
            {row[3] for row in body["rows"]},
            {"1/ST-A", "2/ST-A", "3/ST-A", "4/ST-A", "5/ST-A"},
        )
        xlsx = self.ok(clerk.get(f"{url}&format=xlsx"))
        self.assertTrue(
            xlsx.headers["Content-Type"].startswith("application/vnd.openxml")
        )
        self.assertEqual(read_xlsx_rows(xlsx.content)[5:], body["rows"])
        csv = self.ok(clerk.get(f"{url}&format=csv&delimiter=semicolon"))
        self.assertIn(";", csv.content.decode("utf-8-sig").splitlines()[0])
        followup = self.ok(clerk.get(f"{url}&kind=followup")).json()
        self.assertEqual(followup["columns"][6], "Hạn giải quyết")
        self.ok(clerk.get(f"{url}&period=week"), 400)
        self.ok(clerk.get(f"{url}&format=doc"), 400)
        self.ok(
            clerk.get(
                f"{self.path(self.agency['so-di'])}/@register-report?kind=followup"
            ),
            400,
        )
        self.assertIn(self.as_("chuyenvien.sokhcn").get(url).status_code, (401, 403))

    def test_statistics_and_outgoing_report(self):
        transaction.commit()
        params = urlencode(self.period.params())
        leader = self.as_("lanhdao.sokhcn")
        body = self.ok(
            leader.get(f"{self.path(self.agency)}/@statistics?{params}")
        ).json()
        total = body["total"]
        self.assertEqual(
            (total["received"], total["on_time"], total["late"], total["overdue"]),
            (6, 1, 1, 1),
        )
        unit = self.ok(
            self.as_("truongphong.sokhcn").get(
                f"{self.path(self.agency['cntt'])}/@statistics?{params}"
            )
        ).json()
        self.assertEqual(unit["total"]["received"], 3)
        self.assertIn(
            self.as_("truongphong.sokhcn")
            .get(f"{self.path(self.agency)}/@statistics?{params}")
            .status_code,
            (401, 403),
        )
        person = self.ok(
            leader.get(f"{self.path(self.agency)}/@statistics?{params}&person=nobody"),
            400,
        )
        self.assertIn("person", person.text)
        xlsx = self.ok(
            leader.get(f"{self.path(self.agency)}/@statistics?{params}&format=xlsx")
        )
        self.assertEqual(read_xlsx_rows(xlsx.content)[5][1], "6")
        report = self.ok(
            self.as_("vanthu.sokhcn").get(f"{self.path(self.agency)}/@outgoing-report")
        ).json()
        self.assertEqual(
            [t["key"] for t in report["tables"]],
            ["by_type", "by_unit", "by_urgency", "delivery"],
        )


class TestCaseFilesSearchLogsRest(RestCase):
    def test_casefiles_saved_searches_access_log_versions(self):
        intids = getUtility(IIntIds)
        with api.env.adopt_user(username="vanthu.sokhcn"):
            self.on_time.main_file = pdf_file(2)
            casefile = self.make_casefile_in(
                self.agency, [self.on_time, self.late], intids
            )
        with api.env.adopt_user(username="chuyenvien.sokhcn"):
            draft = create_outgoing(self.agency, "cntt", content="Một.")
            draft.content = "Hai."
            notify(ObjectModifiedEvent(draft))
        api.portal.set_registry_record("phutho.intranet.access_log_flush_size", 1)
        transaction.commit()
        clerk = self.as_("vanthu.sokhcn")

        index = self.ok(
            clerk.get(f"{self.path(self.agency)}/@casefile-index?year=2026")
        ).json()
        self.assertEqual([i["file_code"] for i in index["items"]], ["2026.REST.01"])
        xml = self.ok(clerk.get(f"{self.path(casefile)}/@casefile-export?format=xml"))
        self.assertTrue(casefiles.validate(xml.content))
        pdf = self.ok(clerk.get(f"{self.path(casefile)}/@casefile-export?format=pdf"))
        self.assertEqual(len(PdfReader(BytesIO(pdf.content)).pages), 1 + 1 + 2 + 1)
        self.ok(clerk.get(f"{self.path(casefile)}/@casefile-export?format=doc"), 400)

        created = self.ok(
            clerk.post(
                "/@saved-searches",
                json={"name": "Quyết định", "query": {"document_type": "quyet-dinh"}},
            ),
            201,
        ).json()
        listed = self.ok(clerk.get("/@saved-searches")).json()["items"]
        self.assertEqual([i["id"] for i in listed], [created["id"]])
        results = self.ok(clerk.get(f"/@advanced-search?saved={created['id']}")).json()
        self.assertEqual([i["number"] for i in results["items"]], ["2/ST-A"])
        exported = self.ok(
            clerk.get(f"/@advanced-search?saved={created['id']}&format=xlsx")
        )
        self.assertEqual(read_xlsx_rows(exported.content)[4][0], "2/ST-A")
        self.ok(clerk.post("/@saved-searches", json={"name": "", "query": {}}), 400)
        self.ok(
            clerk.post(
                "/@saved-searches", json={"name": "x", "query": {"urgency": "x"}}
            ),
            400,
        )
        self.assertEqual(
            self.as_("lanhdao.sokhcn").get("/@saved-searches").json()["items"], []
        )
        self.ok(clerk.delete(f"/@saved-searches/{created['id']}"), 204)
        self.ok(clerk.get(f"/@advanced-search?saved={created['id']}"), 404)

        self.ok(clerk.get(self.path(self.on_time)))
        log = self.ok(
            self.as_("lanhdao.sokhcn").get(f"{self.path(self.on_time)}/@access-log")
        ).json()
        self.assertIn("vanthu.sokhcn", [i["user"] for i in log["items"]])
        self.assertIn(
            self.as_("chuyenvien2.sokhcn")
            .get(f"{self.path(self.on_time)}/@access-log")
            .status_code,
            (401, 403),
        )

        head = self.as_("truongphong.sokhcn")
        versions = self.ok(
            head.get(f"{self.path(draft)}/@draft-versions?compare=0")
        ).json()
        self.assertEqual([i["version"] for i in versions["items"]], [0, 1])
        self.assertEqual(versions["changes"][0]["field"], "content")
        self.ok(head.get(f"{self.path(draft)}/@draft-versions?version=9"), 404)

    def make_casefile_in(self, agency_obj, documents, intids):
        from phutho.intranet.content.storage import add_document

        return add_document(
            agency_obj,
            "CaseFile",
            title="Hồ sơ REST",
            file_code="2026.REST.01",
            retention="10",
            start_date=date(2026, 2, 1),
            documents=[RelationValue(intids.getId(d)) for d in documents],
        )


class TestIssueWithField(RestCase):
    def test_field_chosen_at_issue(self):
        self.agency.fields_of_work = ["VX | Văn hóa - Xã hội", "KT | Kinh tế"]
        with api.env.adopt_user(username="chuyenvien.sokhcn"):
            draft = create_outgoing(
                self.agency,
                "cntt",
                internal_recipients=[agency(self.portal, "so-noi-vu").UID()],
            )
        for user_id, transition in OUTGOING_TO_SIGNED:
            with api.env.adopt_user(username=user_id):
                do_transition(draft, transition)
        transaction.commit()
        clerk = self.as_("vanthu.sokhcn")
        self.ok(
            clerk.post(f"{self.path(draft)}/@workflow/issue", json={"field": "XX"}), 400
        )
        self.ok(clerk.post(f"{self.path(draft)}/@workflow/issue", json={"field": "VX"}))
        transaction.begin()
        self.assertTrue(draft.symbol.endswith("/SKHCN-VX"), draft.symbol)
