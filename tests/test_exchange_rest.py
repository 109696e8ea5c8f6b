"""``@edxml`` through a real HTTP server: import (201, redelivery 200),
export, the delivery log, and a corpus of hostile or broken messages,
each answering 400 with a reason and creating nothing."""

from datetime import datetime
from pathlib import Path
from phutho.intranet.exchange.reader import read_message
from phutho.intranet.testing import agency
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING

import importlib.util
import requests
import transaction
import unittest

ROOT = Path(__file__).resolve().parents[1]


def load_corpus():
    spec = importlib.util.spec_from_file_location(
        "edxml_corpus", ROOT / "scripts" / "edxml_corpus.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CORPUS = load_corpus()


def now():
    from phutho.intranet.dates import now

    return now()


XML = {"Content-Type": "application/xml", "Accept": "application/json"}
ACCEPT_XML = {"Accept": "application/xml"}


class EdXMLRestCase(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")
        self.url = f"{self.agency.absolute_url()}/@edxml"
        self.clerk = requests.Session()
        self.clerk.auth = ("vanthu.sokhcn", DEMO_PASSWORD)

    def tearDown(self):
        self.clerk.close()

    def count(self):
        """Incoming documents of the agency, as its clerk sees them."""
        response = self.clerk.get(
            f"{self.agency.absolute_url()}/@search",
            params={"portal_type": "IncomingDocument", "b_size": 1000},
            headers={"Accept": "application/json"},
        )
        return response.json()["items_total"]

    def post(self, data, session=None):
        return (session or self.clerk).post(self.url, data=data, headers=XML)

    def test_import_then_redelivery(self):
        before = self.count()
        message = CORPUS.document(self.agency.organ_id)
        response = self.post(message)
        self.assertEqual(response.status_code, 201, response.text)
        body = response.json()
        self.assertEqual(response.headers["Location"], body["@id"])
        self.assertEqual(body["review_state"], "received")
        self.assertEqual(body["channel"]["token"], "exchange")
        self.assertEqual(body["document_id"], "000.00.00.G22,2026/11/20,15/VPCP-KSTT")
        self.assertEqual(body["number_symbol"], "15/VPCP-KSTT")
        self.assertEqual(body["signature_status"]["token"], "unsigned")
        # The clerk reads what came in.
        got = self.clerk.get(body["@id"], headers={"Accept": "application/json"})
        self.assertEqual(got.status_code, 200)
        again = self.post(message)
        self.assertEqual(again.status_code, 200, again.text)
        self.assertEqual(again.json()["@id"], body["@id"])
        self.assertIs(again.json()["created"], False)
        self.assertLessEqual(self.count(), before + 1)

    def test_minimal_answer(self):
        """``Prefer: return=minimal``: where the document is, not all of it."""
        message = CORPUS.document(
            self.agency.organ_id,
            CodeNumber="16",
            DocumentId="000.00.00.G22,2026/11/20,16/VPCP-KSTT",
        )
        response = self.clerk.post(
            self.url, data=message, headers={**XML, "Prefer": "return=minimal"}
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.headers["Preference-Applied"], "return=minimal")
        body = response.json()
        self.assertEqual(set(body), {"@id", "UID", "@type", "created"})
        self.assertEqual(response.headers["Location"], body["@id"])
        self.assertIs(body["created"], True)
        got = self.clerk.get(body["@id"], headers={"Accept": "application/json"})
        self.assertEqual(got.json()["number_symbol"], "16/VPCP-KSTT")

    def test_who_may_post(self):
        message = CORPUS.document(self.agency.organ_id)
        anonymous = requests.post(self.url, data=message, headers=XML)
        self.assertEqual(anonymous.status_code, 401)
        other = requests.Session()
        other.auth = ("vanthu.snv", DEMO_PASSWORD)
        self.assertEqual(self.post(message, other).status_code, 401)
        other.close()
        specialist = requests.Session()
        specialist.auth = ("chuyenvien.sokhcn", DEMO_PASSWORD)
        self.assertEqual(self.post(message, specialist).status_code, 401)
        specialist.close()

    def test_hostile_corpus(self):
        before = self.count()
        names = []
        for name, data in CORPUS.corpus(self.agency.organ_id):
            names.append(name)
            with self.subTest(name):
                response = self.post(data)
                self.assertEqual(
                    response.status_code, 400, f"{name}: {response.text[:300]}"
                )
                error = response.json()["error"]
                self.assertIn(
                    error["type"], ("InvalidEdXML", "UnknownDocument", "NotAddressed")
                )
                self.assertTrue(error["message"])
                self.assertIn("element", error)
        self.assertGreaterEqual(len(names), 100)
        self.assertEqual(self.count(), before)

    def test_export_of_an_issued_document(self):
        from phutho.intranet.testing import create_outgoing
        from phutho.intranet.testing import OUTGOING_TO_ISSUED
        from phutho.intranet.testing import run_transitions
        from plone.app.testing import login

        login(self.portal, "chuyenvien.sokhcn")
        document = create_outgoing(
            self.agency,
            "cntt",
            external_recipients=[
                "Sở Y tế tỉnh Hà Nam | 000.00.21.H35 | vanthu@syt.hanam.gov.vn"
            ],
        )
        draft_url = document.absolute_url()
        transaction.commit()
        drafter = requests.Session()
        drafter.auth = ("chuyenvien.sokhcn", DEMO_PASSWORD)
        refused = drafter.get(f"{draft_url}/@edxml", headers=ACCEPT_XML)
        self.assertEqual(refused.status_code, 400, refused.text[:500])
        self.assertEqual(refused.json()["error"]["type"], "BadRequest")
        drafter.close()
        run_transitions(self.portal, document, OUTGOING_TO_ISSUED)
        transaction.commit()
        response = self.clerk.get(f"{draft_url}/@edxml", headers=ACCEPT_XML)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertTrue(response.headers["Content-Type"].startswith("application/xml"))
        message = read_message(response.content)
        self.assertEqual(message.document_id, document.document_id)
        self.assertEqual(message.number_symbol, document.symbol)
        self.assertEqual(message.recipients[0].organ_id, "000.00.21.H35")
        status = self.clerk.get(
            f"{draft_url}/@delivery-status", headers={"Accept": "application/json"}
        ).json()
        (item,) = status["items"]
        self.assertEqual(item["organ_id"], "000.00.21.H35")
        # No transport configured here: held for e-mail (no mail queue).
        self.assertEqual(item["log"][0]["event"], "held")


class DeliveryStatusCase(unittest.TestCase):
    """``@delivery-status`` of an internal delivery: the same sender's log,
    written as the recipient's clerk moves its copy (over HTTP)."""

    layer = PHUTHO_DEMO_SERVER_TESTING

    def session(self, user_id):
        session = requests.Session()
        session.auth = (user_id, DEMO_PASSWORD)
        session.headers["Accept"] = "application/json"
        self.addCleanup(session.close)
        return session

    def test_internal_delivery_log(self):
        from phutho.intranet.testing import create_outgoing
        from phutho.intranet.testing import OUTGOING_TO_ISSUED
        from phutho.intranet.testing import run_transitions
        from phutho.intranet.workflow.delivery import deliveries_of
        from plone import api
        from plone.app.testing import login

        portal = self.layer["portal"]
        sokhcn, snv = agency(portal, "so-khcn"), agency(portal, "so-noi-vu")
        login(portal, "chuyenvien.sokhcn")
        document = create_outgoing(
            sokhcn,
            "cntt",
            internal_recipients=[snv.UID()],
            external_recipients=["Sở Y tế tỉnh Hà Nam | | vanthu@syt.hanam.gov.vn"],
        )
        run_transitions(portal, document, OUTGOING_TO_ISSUED)
        (copy_uid,) = deliveries_of(document).values()
        login(portal, "vanthu.snv")
        copy_url = api.content.get(UID=copy_uid).absolute_url()
        url = f"{document.absolute_url()}/@delivery-status"
        transaction.commit()
        sender = self.session("vanthu.sokhcn")
        recipient = self.session("vanthu.snv")

        def rows():
            response = sender.get(url)
            self.assertEqual(response.status_code, 200, response.text)
            items = response.json()["items"]
            return {item["transport"]: item for item in items}

        internal = rows()["internal"]
        self.assertEqual(internal["agency"], snv.UID())
        self.assertEqual(internal["document"], copy_uid)
        self.assertEqual(
            (internal["status_code"], internal["state"]), ("01", "received")
        )
        self.assertEqual(internal["status_title"], "Đã đến, chưa xử lý")
        self.assertEqual(rows()["mail"]["log"][0]["event"], "held")

        response = recipient.post(
            f"{copy_url}/@workflow/register",
            json={"comment": "Vào sổ đến"},
        )
        self.assertEqual(response.status_code, 200, response.text)
        internal = rows()["internal"]
        self.assertEqual(
            (internal["status_code"], internal["state"]), ("03", "registered")
        )
        self.assertEqual([e["code"] for e in internal["log"]], ["01", "03"])
        clerk = api.user.get(userid="vanthu.snv").getProperty("fullname")
        self.assertEqual(internal["staff"], clerk)
        self.assertEqual(internal["description"], f"{clerk}: Đã vào sổ. Vào sổ đến")
        # When the clerk acted, with the province's offset.
        registered = datetime.fromisoformat(internal["time"])
        self.assertEqual(registered.utcoffset().total_seconds(), 7 * 3600)
        self.assertLess(abs((now() - registered).total_seconds()), 120)

        # A recall (13, the leader's) and the recipient's agreement (15), in
        # the same log.
        response = self.session("lanhdao.sokhcn").post(
            f"{document.absolute_url()}/@workflow/recall",
            json={"comment": "Văn bản có sai sót"},
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(rows()["internal"]["recall_code"], "13")
        response = recipient.post(f"{copy_url}/@workflow/accept_recall", json={})
        self.assertEqual(response.status_code, 200, response.text)
        internal = rows()["internal"]
        self.assertEqual(internal["recall_code"], "15")
        self.assertEqual([e["code"] for e in internal["log"]], ["01", "03", "13", "15"])
        self.assertEqual(internal["status_code"], "03")  # where the copy was

        # Someone of another agency may not read it.
        other = self.session("vanthu.snv").get(url)
        self.assertIn(other.status_code, (401, 403, 404))
