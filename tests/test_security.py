"""Regressions of the security and correctness review: secrets never leak
through relations or duplicate warnings, numbers never double through
copies or corrections, locked fields stay locked, bad input answers 400."""

from datetime import datetime
from datetime import timedelta
from pathlib import Path
from phutho.intranet.dates import today
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import OUTGOING_TO_SIGNED
from phutho.intranet.testing import PHUTHO_DEMO_INTEGRATION_TESTING
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import RestSession
from phutho.intranet.testing import run_transitions
from phutho.intranet.workflow.api import do_transition
from phutho.intranet.workflow.assignment import assignments_of
from phutho.intranet.workflow.correction import correct_registration
from phutho.intranet.workflow.history import history_of
from plone import api
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.intid.interfaces import IIntIds

import base64
import transaction
import unittest


def issue(portal, doc):
    for user, transition in (
        ("chuyenvien.sokhcn", "submit_for_review"),
        ("truongphong.sokhcn", "submit_for_signature"),
        ("lanhdao.sokhcn", "sign"),
        ("vanthu.sokhcn", "issue"),
    ):
        login(portal, user)
        do_transition(doc, transition)


def secret_incoming(portal):
    """A registered confidential document of so-khcn."""
    login(portal, "vanthu.sokhcn")
    doc = create_incoming(
        agency(portal, "so-khcn"),
        secrecy="confidential",
        title="TUYỆT MẬT phương án",
        number_symbol="77/PA-CAT",
    )
    do_transition(doc, "register")
    return doc


class TestIntegration(unittest.TestCase):
    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")

    def test_copies_start_over(self):
        login(self.portal, "vanthu.sokhcn")
        doc = create_incoming(self.agency, number_symbol="500/BTTTT-CĐSQG")
        do_transition(doc, "register")
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        login(self.portal, TEST_USER_NAME)
        copy = api.content.copy(source=doc, target=doc.aq_parent, safe_id=True)
        self.assertIsNone(copy.arrival_number)
        self.assertIsNone(copy.register)
        self.assertEqual(api.content.get_state(copy), "received")
        self.assertFalse(getattr(copy, "_processing_history", None))

    def test_officials_cannot_copy_documents(self):
        login(self.portal, "vanthu.sokhcn")
        doc = create_incoming(self.agency, number_symbol="501/BTTTT-CĐSQG")
        self.assertFalse(api.user.has_permission("Copy or Move", obj=doc))

    def test_correction_keeps_the_numbering_year(self):
        login(self.portal, "vanthu.sokhcn")
        doc = create_incoming(self.agency, number_symbol="502/BTTTT-CĐSQG")
        do_transition(doc, "register")
        next_year = datetime(doc.arrival_date.year + 1, 1, 2, 8, 0)
        arrival, history = doc.arrival_date, len(history_of(doc))
        with self.assertRaises(InvalidDataError) as refused:
            correct_registration(doc, {"arrival_date": next_year}, "Nhầm năm")
        self.assertEqual(refused.exception.field, "arrival_date")
        with self.assertRaises(InvalidDataError) as refused:
            correct_registration(
                doc, {"arrival_date": datetime.now() + timedelta(days=3)}, "Nhầm"
            )
        self.assertEqual(refused.exception.field, "arrival_date")
        # Refused: the record and its history are as they were.
        self.assertEqual(doc.arrival_date, arrival)
        self.assertEqual(len(history_of(doc)), history)
        self.assertEqual([e["action"] for e in history_of(doc)].count("correction"), 0)

    def test_no_registration_in_the_future(self):
        login(self.portal, "vanthu.sokhcn")
        doc = create_incoming(self.agency, number_symbol="503/BTTTT-CĐSQG")
        doc.arrival_date = datetime.now() + timedelta(days=2)
        # Refused before the state changes, as a refused transition (a page
        # shows the message, REST answers 400), not a site error.
        with self.assertRaises(InvalidDataError) as refused:
            do_transition(doc, "register")
        self.assertIn("future", str(refused.exception.args[0]))
        self.assertIsNone(doc.arrival_number)
        self.assertEqual(api.content.get_state(doc), "received")

    def test_reply_must_be_visible_and_of_the_same_agency(self):
        login(self.portal, "chuyenvien.vpubnd")
        foreign = create_outgoing(
            agency(self.portal, "vp-ubnd"), "hctc", secrecy="top_secret"
        )
        login(self.portal, "vanthu.sokhcn")
        doc = create_incoming(self.agency, number_symbol="504/BTTTT-CĐSQG")
        do_transition(doc, "register")
        do_transition(doc, "submit")
        login(self.portal, "lanhdao.sokhcn")
        lead = {
            "kind": "user",
            "id": "chuyenvien.sokhcn",
            "deadline": (today() + timedelta(days=3)).isoformat(),
        }
        do_transition(doc, "assign", data={"lead": lead})
        login(self.portal, "chuyenvien.sokhcn")
        with self.assertRaises(InvalidDataError):
            do_transition(doc, "complete", data={"reply": foreign.UID()})
        self.assertEqual(api.content.get_state(doc), "assigned")

    def test_replace_only_through_a_replacement(self):
        login(self.portal, "chuyenvien.sokhcn")
        doc = create_outgoing(
            self.agency,
            "cntt",
            internal_recipients=[agency(self.portal, "so-noi-vu").UID()],
        )
        issue(self.portal, doc)
        login(self.portal, "lanhdao.sokhcn")
        offered = {
            t["id"]
            for t in api.portal.get_tool("portal_workflow").getTransitionsFor(doc)
        }
        self.assertNotIn("replace", offered)
        with api.env.adopt_roles(["Manager"]):
            with self.assertRaises(InvalidDataError) as refused:
                do_transition(doc, "replace")
            self.assertIn("replace", str(refused.exception.message.default))
            self.assertEqual(api.content.get_state(doc), "issued")

    def test_secret_clerks_keep_secret_registers(self):
        api.user.create(
            username="mat.sokhcn", email="mat@phutho.gov.vn", password=DEMO_PASSWORD
        )
        api.group.add_user(groupname="so-khcn-secret-clerks", username="mat.sokhcn")
        api.user.create(
            username="thuong.sokhcn",
            email="thuong@phutho.gov.vn",
            password=DEMO_PASSWORD,
        )
        api.group.add_user(groupname="so-khcn-clerks", username="thuong.sokhcn")
        secret_register = self.agency["so-mat-den"]
        login(self.portal, "mat.sokhcn")
        self.assertTrue(api.user.has_permission("View", obj=secret_register))
        self.assertTrue(
            api.user.has_permission(
                "phutho.intranet: Add IncomingDocument", obj=self.agency
            )
        )
        login(self.portal, "thuong.sokhcn")
        self.assertFalse(api.user.has_permission("View", obj=secret_register))
        self.assertTrue(api.user.has_permission("View", obj=self.agency["so-den"]))

    def test_period_folders_have_no_owner(self):
        login(self.portal, "vanthu.sokhcn")
        doc = create_incoming(self.agency, number_symbol="505/BTTTT-CĐSQG")
        for folder in (
            doc.aq_parent,
            doc.aq_parent.aq_parent,
            doc.aq_parent.aq_parent.aq_parent,
        ):
            self.assertFalse(
                [p for p, roles in folder.get_local_roles() if "Owner" in roles]
            )

    def test_csv_cells_are_never_formulas(self):
        from phutho.intranet.browser.register import spreadsheet_safe

        self.assertEqual(spreadsheet_safe('=HYPERLINK("x")'), '\'=HYPERLINK("x")')
        self.assertEqual(spreadsheet_safe("-1"), "'-1")
        self.assertEqual(spreadsheet_safe("Quyết định"), "Quyết định")


class TestThroughHttp(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")
        self.sessions = []

    def tearDown(self):
        for session in self.sessions:
            session.close()

    def as_(self, user_id):
        session = RestSession(
            self.portal.absolute_url(),
            auth=(user_id, DEMO_PASSWORD) if user_id else None,
        )
        self.sessions.append(session)
        return session

    def test_sharing_is_the_webmasters(self):
        # The drafter owns the secret draft; the sharing page would let
        # them open it to another agency's official (the workflows and
        # groups decide who sees it). Only webmasters hand out roles there.
        login(self.portal, "chuyenvien.sokhcn")
        draft = create_outgoing(self.agency, "cntt", secrecy="secret")
        transaction.commit()
        url = draft.absolute_url()
        entries = {
            "entries": [
                {
                    "id": "chuyenvien.snv",
                    "type": "user",
                    "roles": {"Reader": True, "Editor": True, "Contributor": True},
                }
            ]
        }
        drafter = self.as_("chuyenvien.sokhcn")
        self.assertEqual(drafter.get(url).status_code, 200)  # owner, sees it
        refused = drafter.post(f"{url}/@sharing", json=entries)
        self.assertEqual(refused.status_code, 403, refused.text)
        self.assertEqual(refused.json()["error"]["type"], "Forbidden")
        self.assertIn("quản trị viên", refused.json()["error"]["message"])
        self.assertEqual(drafter.get(f"{url}/@sharing").status_code, 403)
        page = drafter.get(
            f"{url}/@@sharing", headers={"Accept": "text/html"}, allow_redirects=False
        )
        # The page: Plone's "insufficient privileges" (through require_login).
        self.assertEqual(page.status_code, 302)
        self.assertIn("require_login", page.headers["Location"])
        transaction.begin()
        self.assertEqual(draft.get_local_roles_for_userid("chuyenvien.snv"), ())
        outsider = self.as_("chuyenvien.snv")
        self.assertIn(outsider.get(url).status_code, (401, 404))

        # Webmasters share the portal's pages; a secret document they do not
        # see either.
        webmaster = self.as_("quantri")
        self.assertEqual(
            webmaster.post(f"{url}/@sharing", json=entries).status_code, 401
        )
        news = self.portal["tin-tuc"]["bai-1"].absolute_url()
        done = webmaster.post(f"{news}/@sharing", json=entries)
        self.assertEqual(done.status_code, 204, done.text)
        transaction.begin()
        self.assertEqual(draft.get_local_roles_for_userid("chuyenvien.snv"), ())
        self.assertIn(
            "Editor",
            self.portal["tin-tuc"]["bai-1"].get_local_roles_for_userid(
                "chuyenvien.snv"
            ),
        )

    def test_relations_never_name_a_secret_document(self):
        secret = secret_incoming(self.portal)
        login(self.portal, "chuyenvien.sokhcn")
        doc = create_outgoing(
            self.agency,
            "cntt",
            internal_recipients=[agency(self.portal, "so-noi-vu").UID()],
        )
        doc.in_reply_to = [RelationValue(getUtility(IIntIds).register(secret))]
        issue(self.portal, doc)
        transaction.commit()
        outsider = self.as_("chuyenvien2.sokhcn").get(doc.absolute_url()).json()
        self.assertEqual(outsider["in_reply_to"], [])
        self.assertNotIn("TUYỆT MẬT", str(outsider))
        insider = self.as_("vanthu.sokhcn").get(doc.absolute_url()).json()
        self.assertEqual(
            [r["title"] for r in insider["in_reply_to"]], ["TUYỆT MẬT phương án"]
        )

    def test_duplicates_of_secret_documents_stay_secret(self):
        secret = secret_incoming(self.portal)
        api.user.create(
            username="thuong.sokhcn",
            email="thuong@phutho.gov.vn",
            password=DEMO_PASSWORD,
        )
        api.group.add_user(groupname="so-khcn-clerks", username="thuong.sokhcn")
        transaction.commit()
        body = {
            "@type": "IncomingDocument",
            "title": "Bản sao",
            "document_type": "phuong-an",
            "sender_name": "Bộ Thông tin và Truyền thông",
            "sender_organ_id": secret.sender_organ_id,
            "number_symbol": "77/PA-CAT",
            "document_date": "2026-11-20",
        }
        response = self.as_("thuong.sokhcn").post(self.agency.absolute_url(), json=body)
        self.assertEqual(response.status_code, 201, response.text)
        self.assertNotIn(
            "77/PA-CAT",
            self.as_("thuong.sokhcn")
            .get("@search", params={"SearchableText": "TUYỆT MẬT"})
            .text,
        )
        catalog = api.portal.get_tool("portal_catalog")
        transaction.begin()  # see what the server committed
        before = len(catalog.unrestrictedSearchResults(portal_type="IncomingDocument"))
        response = self.as_("vanthu.sokhcn").post(self.agency.absolute_url(), json=body)
        self.assertEqual(response.status_code, 409)  # its clerks are warned
        self.assertEqual(response.json()["error"]["type"], "Duplicate")
        self.assertEqual(len(response.json()["error"]["duplicates"]), 1)
        transaction.begin()
        after = len(catalog.unrestrictedSearchResults(portal_type="IncomingDocument"))
        self.assertEqual(after, before, "the warning created nothing")

    def test_signed_content_is_locked(self):
        login(self.portal, "chuyenvien.sokhcn")
        doc = create_outgoing(
            self.agency,
            "cntt",
            internal_recipients=[agency(self.portal, "so-noi-vu").UID()],
        )
        run_transitions(self.portal, doc, OUTGOING_TO_SIGNED)
        transaction.commit()
        clerk = self.as_("vanthu.sokhcn")
        response = clerk.patch(
            doc.absolute_url(),
            json={
                "content": "Sửa sau khi ký",
                "drafting_unit": self.agency["vp"].UID(),
            },
        )
        self.assertEqual(response.status_code, 403, response.text)
        self.assertEqual(
            response.json()["error"]["fields"], ["content", "drafting_unit"]
        )
        self.assertNotIn(
            "@correct-registration", response.json()["error"]["message"]
        )  # not correctable
        stored = clerk.get(doc.absolute_url()).json()
        self.assertEqual(stored["content"], "Nội dung dự thảo.")
        self.assertEqual(stored["drafting_unit"]["token"], self.agency["cntt"].UID())
        pdf = (Path(__file__).parent / "fixtures" / "qd15.pdf").read_bytes()
        signed = {
            "data": base64.b64encode(pdf).decode(),
            "encoding": "base64",
            "filename": "da-ky.pdf",
            "content-type": "application/pdf",
        }
        self.assertEqual(
            clerk.patch(doc.absolute_url(), json={"signed_file": signed}).status_code,
            204,
        )
        # The 204 stored the file: it is read back and downloads.
        stored = clerk.get(doc.absolute_url()).json()
        self.assertEqual(stored["signed_file"]["filename"], "da-ky.pdf")
        self.assertEqual(stored["signed_file"]["size"], len(pdf))
        download = clerk.get(f"{doc.absolute_url()}/@@download/signed_file")
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.content, pdf)

    def test_offsets_become_local_time(self):
        body = {
            "@type": "IncomingDocument",
            "title": "Giờ địa phương",
            "document_type": "cong-van",
            "sender_name": "Bộ Nội vụ",
            "number_symbol": "9/BNV-VP",
            "document_date": "2026-11-20",
            "arrival_date": "2026-11-21T06:30:00+07:00",
        }
        created = self.as_("vanthu.sokhcn").post(self.agency.absolute_url(), json=body)
        self.assertEqual(created.status_code, 201, created.text)
        self.assertEqual(created.json()["arrival_date"], "2026-11-21T06:30:00")
        body.update(number_symbol="10/BNV-VP", arrival_date="2026-11-20T23:30:00Z")
        created = self.as_("vanthu.sokhcn").post(self.agency.absolute_url(), json=body)
        self.assertEqual(created.json()["arrival_date"], "2026-11-21T06:30:00")

    def test_bad_transition_data_answers_400(self):
        login(self.portal, "vanthu.sokhcn")
        doc = create_incoming(self.agency, number_symbol="506/BTTTT-CĐSQG")
        do_transition(doc, "register")
        do_transition(doc, "submit")
        transaction.commit()
        leader = self.as_("lanhdao.sokhcn")
        url = f"{doc.absolute_url()}/@workflow/assign"
        lead = {
            "kind": "unit",
            "id": self.agency["cntt"].UID(),
            "deadline": (today() + timedelta(days=3)).isoformat(),
        }
        history = len(history_of(doc))
        refused = 0
        for body, field in (
            ([1, 2], None),
            ({"lead": "cntt"}, "lead"),
            ({"lead": lead, "instructions": 5}, "instructions"),
            ({"lead": lead, "coordinators": 5}, "coordinators"),
            ({"lead": lead, "comment": 5}, "comment"),
        ):
            with self.subTest(body=body):
                response = leader.post(url, json=body)
                self.assertEqual(response.status_code, 400)
                error = response.json()["error"]
                self.assertTrue(error["message"])
                if field:
                    self.assertEqual(error.get("field"), field, error)
                # Nothing changed: still waiting for the leader, unassigned.
                transaction.begin()
                self.assertEqual(api.content.get_state(doc), "submitted")
                self.assertEqual(len(history_of(doc)), history)
                self.assertEqual(assignments_of(doc), [])
                refused += 1
        self.assertEqual(refused, 5)
        self.assertEqual(leader.post(url, json={"lead": lead}).status_code, 200)
        transaction.begin()
        self.assertEqual(api.content.get_state(doc), "assigned")
        self.assertEqual(len(history_of(doc)), history + 1)
