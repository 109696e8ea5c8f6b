"""The REST API through a real HTTP server: the whole life of a document
between two agencies, and the services that follow it."""

from datetime import timedelta
from phutho.intranet.dates import today
from phutho.intranet.numbering.api import last_number
from phutho.intranet.testing import agency
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import RestSession

import transaction
import unittest


class RestCase(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.sessions = {}

    def tearDown(self):
        for session in self.sessions.values():
            session.close()

    def as_(self, user_id):
        if user_id not in self.sessions:
            auth = (user_id, DEMO_PASSWORD) if user_id else None
            self.sessions[user_id] = RestSession(self.portal.absolute_url(), auth=auth)
        return self.sessions[user_id]

    def ok(self, response, status=200):
        self.assertEqual(response.status_code, status, response.text)
        return response.json()


class TestScenario(RestCase):
    """A specialist of agency A drafts, the unit head reviews, the leader
    signs, the clerk issues to agency B; B's clerk registers, B's leader
    assigns, B's specialist completes; A sees B's progress at each step."""

    def test_document_between_two_agencies(self):
        a = agency(self.portal, "so-khcn")
        b = agency(self.portal, "so-noi-vu")
        a_url, b_uid, a_unit = a.absolute_url(), b.UID(), a["cntt"].UID()
        b_unit = b["tcbc"].UID()
        symbol = f"{last_number(a['so-di']) + 1:02d}/SKHCN-CNTT"
        arrival = last_number(b["so-den"]) + 1

        draft = self.ok(
            self.as_("chuyenvien.sokhcn").post(
                a_url,
                json={
                    "@type": "OutgoingDocument",
                    "title": "Về việc cử cán bộ tham gia tập huấn chuyển đổi số",
                    "document_type": "cong-van",
                    "drafting_unit": a_unit,
                    "content": "Sở Khoa học và Công nghệ đề nghị Sở Nội vụ cử cán bộ...",
                    "internal_recipients": [b_uid],
                    "urgency": "urgent",
                },
            ),
            201,
        )
        url = draft["@id"]
        # Nobody outside the drafting line sees the draft.
        self.assertEqual(self.as_("lanhdao.sokhcn").get(url).status_code, 401)

        def transition(user, name, status=200, **body):
            return self.as_(user).post(f"{url}/@workflow/{name}", json=body)

        self.ok(transition("chuyenvien.sokhcn", "submit_for_review"))
        # A specialist cannot push it further; the workflow refuses.
        not_offered = transition("chuyenvien.sokhcn", "submit_for_signature")
        self.assertEqual(not_offered.status_code, 400)
        self.assertNotIn("${", not_offered.json()["error"]["message"])
        self.assertIn(
            "không thể thực hiện thao tác này", not_offered.json()["error"]["message"]
        )
        refused = transition("truongphong.sokhcn", "return_for_revision")
        self.assertEqual(refused.status_code, 400)
        self.assertIn("lý do", refused.json()["error"]["message"])  # in Vietnamese
        self.ok(
            transition(
                "truongphong.sokhcn", "submit_for_signature", comment="Đồng ý trình ký"
            )
        )
        self.ok(transition("lanhdao.sokhcn", "sign"))
        issued = self.ok(transition("vanthu.sokhcn", "issue"))
        self.assertEqual(issued["review_state"], "issued")
        document = self.ok(self.as_("vanthu.sokhcn").get(url))
        self.assertEqual(document["symbol"], symbol)

        def b_status():
            items = self.ok(self.as_("vanthu.sokhcn").get(f"{url}/@delivery-status"))[
                "items"
            ]
            self.assertEqual(len(items), 1)
            return items[0]

        status = b_status()
        self.assertEqual(
            (status["agency_title"], status["status_code"]), ("Sở Nội vụ", "01")
        )

        # Agency B: the clerk finds it in the incoming queue.
        queue = self.ok(
            self.as_("vanthu.snv").get(
                f"{b.absolute_url()}/@search",
                params={
                    "portal_type": "IncomingDocument",
                    "review_state": "received",
                    "metadata_fields": "number_symbol",
                },
            )
        )
        mine = [i for i in queue["items"] if i["number_symbol"] == symbol]
        self.assertEqual(len(mine), 1)
        incoming = mine[0]["@id"]
        # A cannot read B's copy.
        self.assertEqual(self.as_("vanthu.sokhcn").get(incoming).status_code, 401)

        def b_transition(user, name, **body):
            return self.ok(
                self.as_(user).post(f"{incoming}/@workflow/{name}", json=body)
            )

        b_transition("vanthu.snv", "register")
        self.assertEqual(b_status()["status_code"], "03")
        registered = self.ok(self.as_("vanthu.snv").get(incoming))
        self.assertEqual(registered["arrival_number"], arrival)
        b_transition("vanthu.snv", "submit")
        deadline = (today() + timedelta(days=5)).isoformat()
        bad = self.as_("lanhdao.snv").post(
            f"{incoming}/@workflow/assign", json={"instructions": "Xử lý"}
        )
        self.assertEqual(bad.status_code, 400)
        b_transition(
            "lanhdao.snv",
            "assign",
            comment="Giao Phòng TCBC",
            lead={"kind": "unit", "id": b_unit, "deadline": deadline},
            instructions="Cử 02 cán bộ tham gia.",
        )
        self.assertEqual(b_status()["status_code"], "04")
        b_transition("truongphong.snv", "reassign", handler="chuyenvien.snv")
        b_transition("chuyenvien.snv", "start")
        self.assertEqual(b_status()["status_code"], "05")
        note = self.as_("chuyenvien.snv").post(
            f"{incoming}/@progress",
            json={"text": "Đã lập danh sách cán bộ", "percent": 60},
        )
        self.assertEqual(note.status_code, 201, note.text)
        b_transition("chuyenvien.snv", "complete", comment="Đã cử cán bộ")
        self.assertEqual(b_status()["status_code"], "06")

        history = self.ok(
            self.as_("chuyenvien.snv").get(f"{incoming}/@processing-history")
        )["items"]
        self.assertEqual(
            [h["action"] for h in history],
            [
                "delivered",
                "register",
                "submit",
                "assign",
                "reassign",
                "start",
                "progress",
                "complete",
            ],
        )
        self.assertEqual(note.json(), history[6])  # the entry as the history shows it
        self.assertEqual(history[6]["percent"], 60)
        assign = history[3]
        self.assertEqual(assign["actor"], "lanhdao.snv")
        self.assertEqual(assign["actor_fullname"], "Cao Văn Sơn")
        self.assertEqual(assign["comment"], "Giao Phòng TCBC")
        self.assertEqual(assign["assignees"][0]["deadline"], deadline)
        self.assertRegex(assign["time_local"], r"^\d\d/\d\d/\d{4} \d\d:\d\d$")


class TestServicesPermissions(RestCase):
    def test_history_needs_view(self):
        a = agency(self.portal, "so-khcn")
        from phutho.intranet.testing import create_outgoing
        from plone.app.testing import login

        login(self.portal, "chuyenvien.sokhcn")
        doc = create_outgoing(a, "cntt")
        transaction.commit()
        url = doc.absolute_url()
        self.assertEqual(
            self.as_("chuyenvien.sokhcn").get(f"{url}/@processing-history").status_code,
            200,
        )
        refused = []
        for user in (None, "chuyenvien.snv", "chuyenvien2.sokhcn", "quantri"):
            with self.subTest(user=user):
                self.assertEqual(
                    self.as_(user).get(f"{url}/@processing-history").status_code, 401
                )
                refused.append(user)
        self.assertEqual(len(refused), 4)

    def test_progress_needs_the_workflow_permission(self):
        a = agency(self.portal, "so-khcn")
        from phutho.intranet.testing import create_incoming
        from plone.app.testing import login

        login(self.portal, "vanthu.sokhcn")
        doc = create_incoming(a)
        transaction.commit()
        response = self.as_("vanthu.sokhcn").post(
            f"{doc.absolute_url()}/@progress", json={"text": "x"}
        )
        self.assertEqual(response.status_code, 401)
        # Refused: no note in the history.
        history = self.ok(
            self.as_("vanthu.sokhcn").get(f"{doc.absolute_url()}/@processing-history")
        )["items"]
        self.assertNotIn("progress", [item["action"] for item in history])
        self.assertNotIn("x", [item["comment"] for item in history])

    def test_webmaster_manages_group_membership(self):
        webmaster = self.as_("quantri")
        response = webmaster.patch(
            "@groups/so-khcn-cntt-specialists",
            json={"users": {"chuyenvien2.sokhcn": True}},
        )
        self.assertEqual(response.status_code, 204, response.text)
        group = self.ok(webmaster.get("@groups/so-khcn-cntt-specialists"))
        self.assertIn("chuyenvien2.sokhcn", group["members"]["items"])
        # An official cannot.
        response = self.as_("chuyenvien.sokhcn").patch(
            "@groups/so-khcn-cntt-specialists", json={"users": {"chuyenvien.snv": True}}
        )
        self.assertEqual(response.status_code, 401)
        # Refused: the group is as the webmaster left it.
        group = self.ok(webmaster.get("@groups/so-khcn-cntt-specialists"))
        self.assertNotIn("chuyenvien.snv", group["members"]["items"])
        self.assertIn("chuyenvien2.sokhcn", group["members"]["items"])

    def test_agency_people_are_not_public(self):
        url = "co-quan/so-khcn/@vocabularies/phutho.intranet.AgencyUsers"
        self.assertEqual(self.as_(None).get(url).status_code, 401)
        self.assertEqual(self.as_("chuyenvien.snv").get(url).status_code, 403)
        people = self.ok(self.as_("chuyenvien.sokhcn").get(url))
        self.assertIn("vanthu.sokhcn", [i["token"] for i in people["items"]])
        types = self.ok(
            self.as_(None).get(
                "co-quan/so-khcn/@vocabularies/phutho.intranet.DocumentTypes"
            )
        )
        self.assertIn("quyet-dinh", [i["token"] for i in types["items"]])

    def test_anonymous_reads_public_pages_only(self):
        anonymous = self.as_(None)
        self.assertEqual(anonymous.get("co-quan/so-khcn").status_code, 200)
        self.assertEqual(anonymous.get("co-quan/so-khcn/so-den").status_code, 401)
        search = self.ok(
            anonymous.get("@search", params={"portal_type": "IncomingDocument"})
        )
        self.assertEqual(search["items_total"], 0)


class TestRegistrationLock(RestCase):
    def setUp(self):
        super().setUp()
        from phutho.intranet.testing import create_incoming
        from plone.app.testing import login

        login(self.portal, "vanthu.sokhcn")
        self.doc = create_incoming(
            agency(self.portal, "so-khcn"), number_symbol="125/BTTTT-CĐSQG"
        )
        transaction.commit()
        self.url = self.doc.absolute_url()
        self.clerk = self.as_("vanthu.sokhcn")

    def test_editable_before_registration(self):
        response = self.clerk.patch(self.url, json={"number_symbol": "126/BTTTT-CĐSQG"})
        self.assertEqual(response.status_code, 204, response.text)
        self.assertEqual(
            self.ok(self.clerk.get(self.url))["number_symbol"], "126/BTTTT-CĐSQG"
        )

    def test_locked_after_registration_then_corrected_with_a_log(self):
        self.arrival = last_number(agency(self.portal, "so-khcn")["so-den"]) + 1
        self.ok(self.clerk.post(f"{self.url}/@workflow/register", json={}))
        # A registered document is a record: no plain edits any more.
        before = self.ok(self.clerk.get(self.url))
        refused = 0
        for body in (
            {"number_symbol": "126/BTTTT-CĐSQG"},
            {"title": "Khác"},
            {"description": "Tóm tắt"},
        ):
            self.assertEqual(self.clerk.patch(self.url, json=body).status_code, 401)
            # Refused: the record reads as before.
            after = self.ok(self.clerk.get(self.url))
            for key in ("number_symbol", "title", "description", "modified"):
                self.assertEqual(after[key], before[key], key)
            refused += 1
        self.assertEqual(refused, 3)

        correct = f"{self.url}/@correct-registration"
        self.assertEqual(
            self.clerk.post(
                correct, json={"changes": {"number_symbol": "126/BTTTT-CĐSQG"}}
            ).status_code,
            400,
        )
        self.assertEqual(
            self.clerk.post(
                correct, json={"reason": "x", "changes": {"arrival_number": 5}}
            ).status_code,
            400,
        )
        self.assertEqual(
            self.clerk.post(
                correct,
                json={"reason": "x", "changes": {"document_date": "2026-13-01"}},
            ).status_code,
            400,
        )
        entry = self.ok(
            self.clerk.post(
                correct,
                json={
                    "reason": "Nhập nhầm số ký hiệu",
                    "changes": {"number_symbol": "126/BTTTT-CĐSQG"},
                },
            ),
            201,
        )
        self.assertEqual(
            entry["changes"]["number_symbol"],
            {"old": "125/BTTTT-CĐSQG", "new": "126/BTTTT-CĐSQG"},
        )
        document = self.ok(self.clerk.get(self.url))
        self.assertEqual(document["number_symbol"], "126/BTTTT-CĐSQG")
        self.assertEqual(document["arrival_number"], self.arrival)
        history = self.ok(self.clerk.get(f"{self.url}/@processing-history"))["items"]
        self.assertEqual(history[-1]["action"], "correction")
        self.assertEqual(history[-1]["comment"], "Nhập nhầm số ký hiệu")
        self.assertEqual(entry, history[-1])
        # Correcting to what is already recorded logs nothing.
        same = self.clerk.post(
            correct,
            json={"reason": "Lần nữa", "changes": {"number_symbol": "126/BTTTT-CĐSQG"}},
        )
        self.assertEqual(same.status_code, 400)
        # Mixed with a real change, the unchanged value is not logged.
        mixed = self.ok(
            self.clerk.post(
                correct,
                json={
                    "reason": "Nhầm tên cơ quan",
                    "changes": {
                        "number_symbol": "126/BTTTT-CĐSQG",
                        "sender_name": "Bộ TT&TT",
                    },
                },
            ),
            201,
        )
        self.assertEqual(list(mixed["changes"]), ["sender_name"])
        self.assertEqual(
            len(self.ok(self.clerk.get(f"{self.url}/@processing-history"))["items"]),
            len(history) + 1,
        )

    def test_only_clerks_correct(self):
        self.ok(self.clerk.post(f"{self.url}/@workflow/register", json={}))
        response = self.as_("lanhdao.sokhcn").post(
            f"{self.url}/@correct-registration",
            json={"reason": "x", "changes": {"sender_name": "Bộ TT&TT"}},
        )
        self.assertEqual(response.status_code, 401)
        # Refused: nothing corrected, nothing logged.
        document = self.ok(self.clerk.get(self.url))
        self.assertEqual(document["sender_name"], "Bộ Thông tin và Truyền thông")
        history = self.ok(self.clerk.get(f"{self.url}/@processing-history"))["items"]
        self.assertNotIn("correction", [item["action"] for item in history])
