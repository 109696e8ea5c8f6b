"""What docs/api.md promises, each claim run over HTTP as the document
says it: sign in with a JWT, switch the language with a cookie, read the
workflow, relations filtered by who reads them, duplicates allowed only
by ``true``, downloads, PATCH and corrections after issue, refusals,
recalls in the history and the delivery status, and the search indexes."""

from datetime import timedelta
from phutho.intranet.dates import today
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import RestSession
from phutho.intranet.workflow.api import do_transition
from phutho.intranet.workflow.delivery import deliveries_of
from plone import api
from plone.app.testing import login
from plone.app.uuid.utils import uuidToObject
from plone.dexterity.utils import iterSchemata
from plone.namedfile.file import NamedBlobFile
from z3c.relationfield import RelationValue
from z3c.relationfield.interfaces import IRelationChoice
from z3c.relationfield.interfaces import IRelationList
from zope.component import getUtility
from zope.intid.interfaces import IIntIds
from zope.schema import getFieldsInOrder

import pathlib
import requests
import transaction
import unittest

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
NOT_AVAILABLE = "Bạn không thể thực hiện thao tác này đối với văn bản vào lúc này."


def relation(target):
    return RelationValue(getUtility(IIntIds).register(target))


class DocsCase(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.url = self.portal.absolute_url()
        self.agency = agency(self.portal, "so-khcn")
        self.other = agency(self.portal, "so-noi-vu")
        self.sessions = {}

    def tearDown(self):
        for session in self.sessions.values():
            session.close()

    def as_(self, user_id):
        if user_id not in self.sessions:
            auth = (user_id, DEMO_PASSWORD) if user_id else None
            self.sessions[user_id] = RestSession(self.url, auth=auth)
        return self.sessions[user_id]

    def ok(self, response, status=200):
        self.assertEqual(response.status_code, status, response.text[:2000])
        return response.json() if response.content else None

    def issued(self, secrecy="normal", recipients=None, **fields):
        """An outgoing document of Sở KH&CN, issued (committed)."""
        login(self.portal, "chuyenvien.sokhcn")
        doc = create_outgoing(
            self.agency,
            "cntt",
            secrecy=secrecy,
            drafter="chuyenvien.sokhcn",
            internal_recipients=recipients or [self.other.UID()],
            **fields,
        )
        register = self.agency["so-mat-di" if secrecy != "normal" else "so-di"]
        for user, transition, data in (
            ("chuyenvien.sokhcn", "submit_for_review", {}),
            ("truongphong.sokhcn", "submit_for_signature", {}),
            ("lanhdao.sokhcn", "sign", {}),
            ("vanthu.sokhcn", "issue", {"register": register.UID()}),
        ):
            login(self.portal, user)
            do_transition(doc, transition, data=data)
        return doc

    def registered_secret(self, symbol):
        login(self.portal, "vanthu.sokhcn")
        doc = create_incoming(
            self.agency,
            secrecy="confidential",
            title="MẬT: kế hoạch",
            number_symbol=symbol,
        )
        do_transition(
            doc, "register", data={"register": self.agency["so-mat-den"].UID()}
        )
        return doc


class TestSignIn(DocsCase):
    def test_jwt_from_login(self):
        """`POST /@login` gives a token; `Authorization: Bearer` uses it."""
        answer = requests.post(
            f"{self.url}/@login",
            json={"login": "vanthu.sokhcn", "password": DEMO_PASSWORD},
            headers={"Accept": "application/json"},
            timeout=60,
        )
        self.assertEqual(answer.status_code, 200, answer.text)
        token = answer.json()["token"]
        reader = RestSession(self.url)
        self.addCleanup(reader.close)
        reader.headers["Authorization"] = f"Bearer {token}"
        register = self.ok(reader.get("co-quan/so-khcn/so-den"))
        self.assertEqual(register["title"], "Sổ văn bản đến")
        self.assertEqual(
            RestSession(self.url).get("co-quan/so-khcn/so-den").status_code, 401
        )
        wrong = requests.post(
            f"{self.url}/@login",
            json={"login": "vanthu.sokhcn", "password": "sai"},
            headers={"Accept": "application/json"},
            timeout=60,
        )
        self.assertEqual(wrong.status_code, 401)
        self.assertNotIn("token", wrong.json())


class TestLanguage(DocsCase):
    def test_cookie_switches_and_accept_language_is_ignored(self):
        login(self.portal, "vanthu.sokhcn")
        doc = create_incoming(self.agency, urgency="urgent")
        transaction.commit()
        clerk = self.as_("vanthu.sokhcn")

        def urgency(**kwargs):
            return self.ok(clerk.get(doc.absolute_url(), **kwargs))["urgency"]["title"]

        self.assertEqual(urgency(), "Khẩn")
        self.assertEqual(urgency(headers={"Accept-Language": "en"}), "Khẩn")
        self.assertTrue(urgency(cookies={"I18N_LANGUAGE": "en"}).startswith("Urgent"))
        self.assertEqual(urgency(cookies={"I18N_LANGUAGE": "vi"}), "Khẩn")
        # Refusals follow the cookie too.
        refused = clerk.post(
            f"{doc.absolute_url()}/@workflow/assign",
            json={},
            cookies={"I18N_LANGUAGE": "en"},
        )
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(
            refused.json()["error"]["message"],
            "This action is not available to you on this document now.",
        )


class TestWorkflowService(DocsCase):
    def test_get_workflow(self):
        """`GET @workflow`: state, history, transitions offered (View)."""
        login(self.portal, "vanthu.sokhcn")
        doc = create_incoming(self.agency)
        do_transition(doc, "register")
        transaction.commit()
        info = self.ok(self.as_("vanthu.sokhcn").get(f"{doc.absolute_url()}/@workflow"))
        self.assertEqual(info["state"]["id"], "registered")
        self.assertEqual(info["state"]["title"], "Đã vào sổ")
        self.assertEqual(
            [t["@id"].rsplit("/", 1)[1] for t in info["transitions"]], ["submit"]
        )
        self.assertEqual([h["action"] for h in info["history"]], [None, "register"])
        # The leader sees it and has nothing to do yet; others may not read it.
        leader = self.ok(
            self.as_("lanhdao.sokhcn").get(f"{doc.absolute_url()}/@workflow")
        )
        self.assertEqual(leader["transitions"], [])
        for user in ("chuyenvien.sokhcn", "vanthu.snv", None):
            with self.subTest(user=user):
                self.assertEqual(
                    self.as_(user).get(f"{doc.absolute_url()}/@workflow").status_code,
                    401,
                )

    def test_unknown_transition_answers_400_and_changes_nothing(self):
        login(self.portal, "vanthu.sokhcn")
        doc = create_incoming(self.agency)
        transaction.commit()
        for name in ("fly_to_the_moon", "sign", "assign"):
            with self.subTest(transition=name):
                response = self.as_("vanthu.sokhcn").post(
                    f"{doc.absolute_url()}/@workflow/{name}", json={}
                )
                self.assertEqual(response.status_code, 400)
                error = response.json()["error"]
                self.assertEqual(error["type"], "WorkflowException")
                self.assertEqual(error["message"], NOT_AVAILABLE)
        transaction.begin()
        self.assertEqual(api.content.get_state(doc), "received")
        self.assertEqual(len(doc.workflow_history["phutho_incoming_workflow"]), 1)


class TestRelations(DocsCase):
    """Relations list only the documents the reader may view: every
    relation field of every type, found in the schemas (behaviors
    included), so that a field added later is covered too."""

    def setUp(self):
        super().setUp()
        api.user.create(
            username="thuong.sokhcn",
            email="thuong@phutho.gov.vn",
            password=DEMO_PASSWORD,
        )
        api.group.add_user(groupname="so-khcn-clerks", username="thuong.sokhcn")
        self.secret = self.registered_secret("88/KH-CAT")
        self.visible = self.issued(title="Văn bản công khai được nhắc đến")

    def relation_fields(self, obj):
        fields = []
        for schema in iterSchemata(obj):
            for name, field in getFieldsInOrder(schema):
                if IRelationList.providedBy(field) or IRelationChoice.providedBy(field):
                    fields.append((name, IRelationList.providedBy(field)))
        return fields

    def sources(self):
        """A readable document of each type, and who reads it without
        seeing the confidential document (a clerk of the ordinary
        registers only, an official of another unit)."""
        login(self.portal, "vanthu.sokhcn")
        incoming = create_incoming(self.agency, number_symbol="89/BKHCN-VP")
        do_transition(
            incoming, "register", data={"register": self.agency["so-den"].UID()}
        )
        outgoing = self.issued(title="Văn bản có quan hệ")
        login(self.portal, "vanthu.sokhcn")
        case = api.content.create(
            container=self.agency,
            type="CaseFile",
            title="Hồ sơ có văn bản mật",
            file_code="2026.CNTT.99",
            retention="10",
            start_date=today(),
        )
        return [
            (incoming, "thuong.sokhcn"),
            (outgoing, "chuyenvien2.sokhcn"),
            (case, "thuong.sokhcn"),
        ]

    def titles(self, user, doc, field):
        value = self.ok(self.as_(user).get(doc.absolute_url()))[field]
        if isinstance(value, dict) or value is None:
            value = [value] if value else []
        return sorted(item["title"] for item in value)

    def test_every_relation_field(self):
        checked = []
        sources = self.sources()
        for source, outsider in sources:
            fields = self.relation_fields(source)
            self.assertTrue(fields, source.portal_type)
            for name, many in fields:
                setattr(
                    source,
                    name,
                    (
                        [relation(self.visible), relation(self.secret)]
                        if many
                        else relation(self.secret)
                    ),
                )
                checked.append((source.portal_type, name, outsider))
        transaction.commit()
        for source, outsider in sources:
            for name, many in self.relation_fields(source):
                with self.subTest(type=source.portal_type, field=name):
                    both = sorted([self.visible.Title(), self.secret.Title()])
                    self.assertEqual(
                        self.titles(outsider, source, name),
                        [self.visible.Title()] if many else [],
                    )
                    self.assertEqual(
                        self.titles("vanthu.sokhcn", source, name),
                        both if many else [self.secret.Title()],
                    )
            answer = self.as_(outsider).get(source.absolute_url()).text
            self.assertNotIn(self.secret.UID(), answer)
            self.assertNotIn("MẬT", answer)
        names = {(t, n) for t, n, _o in checked}
        # What docs/api.md names, at least.
        self.assertLessEqual(
            {
                ("IncomingDocument", "related_documents"),
                ("OutgoingDocument", "in_reply_to"),
                ("OutgoingDocument", "replaces"),
                ("CaseFile", "documents"),
            },
            names,
        )
        print(f"\n  relation fields checked: {sorted(names)}")


class TestDuplicates(DocsCase):
    def body(self, **extra):
        body = {
            "@type": "IncomingDocument",
            "title": "Về việc lặp lại",
            "document_type": "cong-van",
            "sender_name": "Bộ Khoa học và Công nghệ",
            "sender_organ_id": "000.00.00.G22",
            "number_symbol": "301/BKHCN-VP",
            "document_date": "2026-11-20",
        }
        body.update(extra)
        return body

    def test_allow_duplicate_exactly_true(self):
        clerk = self.as_("vanthu.sokhcn")
        first = self.ok(clerk.post(self.agency.absolute_url(), json=self.body()), 201)
        self.ok(clerk.post(f"{first['@id']}/@workflow/register", json={}))
        tried = []
        for value in ("true", 1, "yes", None, False):
            with self.subTest(allow_duplicate=value):
                response = clerk.post(
                    self.agency.absolute_url(), json=self.body(allow_duplicate=value)
                )
                self.assertIn(response.status_code, (400, 409), response.text)
                tried.append(value)
        self.assertEqual(len(tried), 5)
        created = self.ok(
            clerk.post(
                self.agency.absolute_url(), json=self.body(allow_duplicate=True)
            ),
            201,
        )
        # Registering the repeat needs the same confirmation.
        url = f"{created['@id']}/@workflow/register"
        refused = clerk.post(url, json={"allow_duplicate": "true"})
        # docs/api.md: a refused transition answers 400; a duplicate is 409.
        self.assertIn(refused.status_code, (400, 409), refused.text)
        self.assertIsNone(self.ok(clerk.get(created["@id"]))["arrival_number"])
        self.ok(clerk.post(url, json={"allow_duplicate": True}))
        self.assertIsNotNone(self.ok(clerk.get(created["@id"]))["arrival_number"])


class TestDownloads(DocsCase):
    def test_main_file(self):
        """An incoming document's file; an outgoing one's signed file, or
        its draft while there is none."""
        pdf = (FIXTURES / "qd15.pdf").read_bytes()
        login(self.portal, "vanthu.sokhcn")
        incoming = create_incoming(
            self.agency,
            main_file=NamedBlobFile(
                pdf, filename="qd15.pdf", contentType="application/pdf"
            ),
        )
        login(self.portal, "chuyenvien.sokhcn")
        draft_bytes = (FIXTURES / "qd15-restricted.pdf").read_bytes()
        outgoing = create_outgoing(
            self.agency,
            "cntt",
            draft_file=NamedBlobFile(
                draft_bytes, filename="du-thao.pdf", contentType="application/pdf"
            ),
        )
        transaction.commit()
        clerk = self.as_("vanthu.sokhcn")
        got = clerk.get(f"{incoming.absolute_url()}/@@download/main_file")
        self.assertEqual((got.status_code, got.content), (200, pdf))
        drafter = self.as_("chuyenvien.sokhcn")
        self.assertNotIn("main_file", self.ok(drafter.get(outgoing.absolute_url())))
        got = drafter.get(f"{outgoing.absolute_url()}/@@download/main_file")
        self.assertEqual((got.status_code, got.content), (200, draft_bytes))
        outgoing.signed_file = NamedBlobFile(
            pdf, filename="da-ky.pdf", contentType="application/pdf"
        )
        transaction.commit()
        got = drafter.get(f"{outgoing.absolute_url()}/@@download/main_file")
        self.assertEqual((got.status_code, got.content), (200, pdf))
        # Not to those who may not read the document.
        self.assertEqual(
            self.as_("vanthu.snv")
            .get(f"{incoming.absolute_url()}/@@download/main_file")
            .status_code,
            401,
        )


class TestAfterIssue(DocsCase):
    def test_patch_refused_and_corrections_limited(self):
        doc = self.issued(page_count=2, copies=3)
        transaction.commit()
        clerk = self.as_("vanthu.sokhcn")
        for body in ({"content": "Sửa"}, {"page_count": 5}, {"signed_file": None}):
            with self.subTest(body=body):
                self.assertEqual(
                    clerk.patch(doc.absolute_url(), json=body).status_code, 401
                )
        self.assertEqual(self.ok(clerk.get(doc.absolute_url()))["page_count"], 2)
        correct = f"{doc.absolute_url()}/@correct-registration"
        entry = self.ok(
            clerk.post(
                correct,
                json={
                    "reason": "Sai số trang, số bản",
                    "changes": {
                        "page_count": 3,
                        "copies": 4,
                        "signer_position": "Giám đốc",
                    },
                },
            ),
            201,
        )
        self.assertEqual(entry["changes"]["page_count"], {"old": 2, "new": 3})
        stored = self.ok(clerk.get(doc.absolute_url()))
        self.assertEqual((stored["page_count"], stored["copies"]), (3, 4))
        refused = 0
        for field, value in (
            ("title", "Khác"),
            ("number", 99),
            ("symbol", "99/SKHCN-CNTT"),
            ("content", "Khác"),
        ):
            with self.subTest(field=field):
                response = clerk.post(
                    correct, json={"reason": "x", "changes": {field: value}}
                )
                self.assertEqual(response.status_code, 400, response.text)
                refused += 1
        self.assertEqual(refused, 4)
        after = self.ok(clerk.get(doc.absolute_url()))
        self.assertEqual(after["number"], stored["number"])
        self.assertEqual(after["symbol"], stored["symbol"])
        self.assertEqual(after["title"], stored["title"])


class TestRecall(DocsCase):
    def test_recall_in_history_and_delivery_status(self):
        doc = self.issued()
        copy = uuidToObject(deliveries_of(doc)[self.other.UID()], unrestricted=True)
        transaction.commit()
        sender = self.as_("lanhdao.sokhcn")
        self.ok(
            sender.post(
                f"{doc.absolute_url()}/@workflow/recall",
                json={"comment": "Ban hành nhầm"},
            )
        )
        history = self.ok(
            self.as_("vanthu.snv").get(f"{copy.absolute_url()}/@processing-history")
        )["items"]
        entry = history[-1]
        self.assertEqual(entry["action"], "recall_requested")
        self.assertEqual(entry["comment"], "Ban hành nhầm")
        self.assertEqual(entry["source"], doc.UID())
        status = self.ok(
            self.as_("vanthu.sokhcn").get(f"{doc.absolute_url()}/@delivery-status")
        )
        item = status["items"][0]
        self.assertEqual((item["recall"], item["recall_code"]), ("requested", "13"))
        self.assertEqual(item["status_code"], "01")
        self.ok(
            self.as_("vanthu.snv").post(
                f"{copy.absolute_url()}/@workflow/accept_recall", json={}
            )
        )
        item = self.ok(
            self.as_("vanthu.sokhcn").get(f"{doc.absolute_url()}/@delivery-status")
        )["items"][0]
        # The copy is withdrawn; its last progress status stays (01).
        self.assertEqual(item["state"], "withdrawn")
        self.assertEqual(item["status_code"], "01")
        self.assertEqual((item["recall"], item["recall_code"]), ("accepted", "15"))
        self.assertEqual(
            [entry["code"] for entry in item["log"] if entry["event"] == "status"],
            ["01", "13", "15"],
        )


class TestSearchIndexes(DocsCase):
    def test_register_number_int(self):
        login(self.portal, "vanthu.sokhcn")
        doc = create_incoming(self.agency, number_symbol="401/BKHCN-VP")
        do_transition(doc, "register", data={"register": self.agency["so-den"].UID()})
        transaction.commit()
        number = doc.arrival_number
        clerk = self.as_("vanthu.sokhcn")

        def found(params):
            items = self.ok(clerk.get("@search", params=params))["items"]
            return [i["@id"] for i in items if i["@id"] == doc.absolute_url()]

        base = {
            "portal_type": "IncomingDocument",
            "register_uid": self.agency["so-den"].UID(),
        }
        self.assertEqual(
            found({**base, "register_number:int": number}), [doc.absolute_url()]
        )
        self.assertEqual(found({**base, "register_number": number}), [])

    def test_deadline_index(self):
        """Incoming: the earliest open deadline, an assignment's or its own;
        outgoing: reply_deadline. Sorted with sort_on=deadline."""
        soon, later, latest = (today() + timedelta(days=d) for d in (3, 9, 20))
        login(self.portal, "vanthu.sokhcn")
        own = create_incoming(
            self.agency, number_symbol="402/BKHCN-VP", processing_deadline=latest
        )
        assigned = create_incoming(
            self.agency, number_symbol="403/BKHCN-VP", processing_deadline=latest
        )
        do_transition(
            assigned, "register", data={"register": self.agency["so-den"].UID()}
        )
        do_transition(assigned, "submit")
        login(self.portal, "lanhdao.sokhcn")
        do_transition(
            assigned,
            "assign",
            data={
                "lead": {
                    "kind": "unit",
                    "id": self.agency["cntt"].UID(),
                    "deadline": soon.isoformat(),
                }
            },
        )
        login(self.portal, "chuyenvien.sokhcn")
        outgoing = create_outgoing(self.agency, "cntt", reply_deadline=later)
        transaction.commit()
        items = self.ok(
            self.as_("lanhdao.sokhcn").get(
                "@search",
                params={
                    "UID": [own.UID(), assigned.UID(), outgoing.UID()],
                    "sort_on": "deadline",
                    "metadata_fields": ["deadline", "UID"],
                },
            )
        )["items"]
        leader_sees = {i["UID"]: i["deadline"] for i in items}
        # The leader reads the assigned document; the clerk's received one
        # and the draft are not the leader's to see.
        self.assertEqual(leader_sees, {assigned.UID(): soon.isoformat()})
        items = self.ok(
            self.as_("vanthu.sokhcn").get(
                "@search",
                params={
                    "UID": [own.UID(), assigned.UID()],
                    "sort_on": "deadline",
                    "metadata_fields": ["deadline", "UID"],
                },
            )
        )["items"]
        self.assertEqual(
            [(i["UID"], i["deadline"]) for i in items],
            [(assigned.UID(), soon.isoformat()), (own.UID(), latest.isoformat())],
        )
        drafted = self.ok(
            self.as_("chuyenvien.sokhcn").get(
                "@search",
                params={
                    "UID": outgoing.UID(),
                    "deadline.query": later.isoformat(),
                    "deadline.range": "min",
                    "metadata_fields": ["deadline", "UID"],
                },
            )
        )["items"]
        self.assertEqual([i["deadline"] for i in drafted], [later.isoformat()])
