"""Document workflows: each transition's own rules, history, secrecy,
deadlines, internal delivery, recall and replacement."""

from datetime import date
from datetime import timedelta
from DateTime import DateTime
from phutho.intranet.dates import today
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.exc import WorkflowRefusedError
from phutho.intranet.groups import agency_group_id
from phutho.intranet.groups import unit_group_id
from phutho.intranet.numbering.api import last_number
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import OUTGOING_TO_ISSUED
from phutho.intranet.testing import OUTGOING_TO_SIGNED
from phutho.intranet.testing import PHUTHO_DEMO_INTEGRATION_TESTING
from phutho.intranet.testing import run_transitions
from phutho.intranet.workflow.api import do_transition
from phutho.intranet.workflow.assignment import is_overdue
from phutho.intranet.workflow.delivery import delivery_status
from phutho.intranet.workflow.history import history_of
from plone import api
from plone.app.testing import login
from plone.app.uuid.utils import uuidToObject

import unittest


def in_days(days):
    return (today() + timedelta(days=days)).isoformat()


class WorkflowCase(unittest.TestCase):
    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")
        self.catalog = api.portal.get_tool("portal_catalog")

    def as_(self, user_id):
        login(self.portal, user_id)

    def registered(self, **fields):
        self.as_("vanthu.sokhcn")
        doc = create_incoming(self.agency, **fields)
        do_transition(doc, "register")
        do_transition(doc, "submit")
        return doc

    def assign(self, doc, lead=None, **data):
        self.as_("lanhdao.sokhcn")
        lead = lead or {
            "kind": "unit",
            "id": self.agency["cntt"].UID(),
            "deadline": in_days(7),
        }
        do_transition(doc, "assign", data=dict(lead=lead, **data))

    def state(self, doc):
        return api.content.get_state(doc)


class TestIncomingRules(WorkflowCase):
    def test_register_gives_consecutive_numbers(self):
        base = last_number(self.agency["so-den"])  # the demo documents took some
        first = self.registered()
        second = self.registered(number_symbol="126/BTTTT-CĐSQG")
        self.assertEqual(
            (first.arrival_number, second.arrival_number), (base + 1, base + 2)
        )
        self.assertEqual(first.register, self.agency["so-den"].UID())
        brains = self.catalog(
            register_uid=self.agency["so-den"].UID(), sort_on="register_number"
        )
        self.assertEqual([b.register_number for b in brains], list(range(1, base + 3)))

    def test_registration_refused_without_matching_register(self):
        self.as_("vanthu.sokhcn")
        doc = create_incoming(self.agency)
        with self.assertRaises(InvalidDataError):
            do_transition(
                doc, "register", data={"register": self.agency["so-di"].UID()}
            )
        with self.assertRaises(InvalidDataError):
            do_transition(
                doc, "register", data={"register": self.agency["so-mat-den"].UID()}
            )
        self.assertEqual(self.state(doc), "received")
        self.assertIsNone(doc.arrival_number)
        self.assertEqual(history_of(doc), [])

    def test_refused_registration_takes_no_number(self):
        doc = self.registered()
        self.as_("vanthu.sokhcn")
        twin = create_incoming(self.agency)  # same number and symbol: duplicate
        with self.assertRaises(InvalidDataError):
            do_transition(twin, "register")
        third = create_incoming(self.agency, number_symbol="127/BTTTT-CĐSQG")
        do_transition(third, "register")
        self.assertEqual(third.arrival_number, doc.arrival_number + 1)
        do_transition(twin, "register", data={"allow_duplicate": True})
        self.assertEqual(twin.arrival_number, third.arrival_number + 1)

    def test_closed_register_refuses(self):
        with api.env.adopt_roles(["Manager"]):
            api.content.transition(self.agency["so-den"], transition="close")
        self.as_("vanthu.sokhcn")
        doc = create_incoming(self.agency)
        with self.assertRaises(InvalidDataError) as refused:
            do_transition(
                doc, "register", data={"register": self.agency["so-den"].UID()}
            )
        self.assertEqual(refused.exception.args[0], "error_register_closed")
        self.assertEqual(api.content.get_state(doc), "received")

    def test_register_of_the_arrival_year(self):
        # A document that arrived last year goes in last year's register;
        # this year's refuses it before the state changes.
        self.as_("vanthu.sokhcn")
        doc = create_incoming(self.agency)
        doc.arrival_date = doc.arrival_date.replace(year=doc.arrival_date.year - 1)
        doc.document_date = doc.document_date.replace(year=doc.document_date.year - 1)
        register = self.agency["so-den"]
        register.year = today().year
        with self.assertRaises(InvalidDataError) as refused:
            do_transition(doc, "register", data={"register": register.UID()})
        self.assertEqual(refused.exception.args[0], "error_register_year")
        self.assertEqual(api.content.get_state(doc), "received")
        self.assertIsNone(doc.arrival_number)
        register.year = None
        do_transition(doc, "register", data={"register": register.UID()})
        self.assertEqual(api.content.get_state(doc), "registered")

    def test_return_requires_a_reason(self):
        self.as_("vanthu.sokhcn")
        doc = create_incoming(self.agency)
        with self.assertRaises(InvalidDataError):
            do_transition(doc, "return_to_sender")
        do_transition(doc, "return_to_sender", comment="Văn bản gửi nhầm cơ quan")
        self.assertEqual(self.state(doc), "returned")
        self.assertEqual(history_of(doc)[-1]["comment"], "Văn bản gửi nhầm cơ quan")

    def test_assignment_needs_lead_and_deadline(self):
        doc = self.registered()
        self.as_("lanhdao.sokhcn")
        with self.assertRaises(InvalidDataError):
            do_transition(doc, "assign", data={"instructions": "Xử lý"})
        with self.assertRaises(InvalidDataError):
            do_transition(
                doc,
                "assign",
                data={"lead": {"kind": "unit", "id": self.agency["cntt"].UID()}},
            )
        with self.assertRaises(InvalidDataError):  # a unit of another agency
            unit = agency(self.portal, "so-noi-vu")["tcbc"]
            do_transition(
                doc,
                "assign",
                data={
                    "lead": {"kind": "unit", "id": unit.UID(), "deadline": in_days(3)}
                },
            )
        with self.assertRaises(InvalidDataError):  # an official of another agency
            do_transition(
                doc,
                "assign",
                data={
                    "lead": {
                        "kind": "user",
                        "id": "chuyenvien.snv",
                        "deadline": in_days(3),
                    }
                },
            )
        with self.assertRaises(InvalidDataError):  # a deadline in the past
            do_transition(
                doc,
                "assign",
                data={
                    "lead": {
                        "kind": "unit",
                        "id": self.agency["cntt"].UID(),
                        "deadline": in_days(-1),
                    }
                },
            )
        self.assertEqual(self.state(doc), "submitted")
        do_transition(
            doc,
            "assign",
            data={
                "lead": {
                    "kind": "unit",
                    "id": self.agency["cntt"].UID(),
                    "deadline": in_days(7),
                },
                "coordinators": [{"kind": "user", "id": "chuyenvien2.sokhcn"}],
                "instructions": "Phòng CNTT chủ trì, Văn phòng phối hợp.",
            },
        )
        self.assertEqual(self.state(doc), "assigned")
        entry = history_of(doc)[-1]
        self.assertEqual(entry["actor"], "lanhdao.sokhcn")
        self.assertEqual(
            entry["instructions"], "Phòng CNTT chủ trì, Văn phòng phối hợp."
        )
        self.assertEqual(
            [(a["role"], a["deadline"]) for a in entry["assignees"]],
            [("lead", in_days(7)), ("coordinator", in_days(7))],
        )
        # The co-ordinator sees it, a specialist of the lead unit not yet.
        self.as_("chuyenvien2.sokhcn")
        self.assertEqual(len(self.catalog(UID=doc.UID())), 1)
        self.as_("chuyenvien.sokhcn")
        self.assertEqual(len(self.catalog(UID=doc.UID())), 0)

    def test_unit_head_reassigns_only_inside_the_unit(self):
        doc = self.registered()
        self.assign(doc)
        self.as_("truongphong.sokhcn")
        with self.assertRaises(InvalidDataError):
            do_transition(
                doc, "reassign", data={"handler": "chuyenvien2.sokhcn"}
            )  # other unit
        do_transition(
            doc,
            "reassign",
            data={"handler": "chuyenvien.sokhcn", "instructions": "Em xử lý"},
        )
        self.as_("chuyenvien.sokhcn")
        pending = self.catalog(
            assignees=["chuyenvien.sokhcn"], review_state=["assigned", "in_progress"]
        )
        self.assertIn(doc.UID(), [b.UID for b in pending])

    def test_specialist_of_another_unit_cannot_process(self):
        doc = self.registered()
        self.assign(doc)
        self.as_("chuyenvien2.sokhcn")
        with self.assertRaises(WorkflowRefusedError):
            do_transition(doc, "start")

    def test_complete_links_the_reply(self):
        doc = self.registered()
        self.assign(
            doc,
            lead={"kind": "user", "id": "chuyenvien.sokhcn", "deadline": in_days(5)},
        )
        self.as_("chuyenvien.sokhcn")
        reply = create_outgoing(self.agency, "cntt", in_reply_to=[])
        do_transition(doc, "start")
        with self.assertRaises(InvalidDataError):
            do_transition(doc, "complete", data={"reply": doc.UID()})
        do_transition(
            doc,
            "complete",
            data={"reply": reply.UID()},
            comment="Đã có văn bản trả lời",
        )
        self.assertEqual(self.state(doc), "completed")
        self.assertEqual([r.to_object for r in doc.related_documents], [reply])
        self.assertEqual(history_of(doc)[-1]["reply"], reply.UID())
        pending = self.catalog(
            assignees=["chuyenvien.sokhcn"], review_state=["assigned", "in_progress"]
        )
        self.assertNotIn(doc.UID(), [b.UID for b in pending])

    def test_reopen_of_a_document_completed_before_marks(self):
        from persistent.list import PersistentList
        from phutho.intranet.workflow.assignment import make_entry
        from phutho.intranet.workflow.assignment import reopen_completed

        doc = self.registered()
        unit = self.agency["cntt"].UID()
        records = [
            make_entry("lead", "unit", unit, today()),
            make_entry("handler", "user", "chuyenvien.sokhcn", today()),
            make_entry("lead", "user", "chuyenvien2.sokhcn", today()),
        ]
        for record in records:
            record["closed"] = True  # as completion closed them, unmarked
        doc._assignments = PersistentList(records)
        reopened = reopen_completed(doc)
        self.assertEqual(
            [(e["role"], e["id"]) for e in reopened], [("lead", "chuyenvien2.sokhcn")]
        )

    def test_no_past_deadline_by_any_route(self):
        past = (today() - timedelta(days=1)).isoformat()
        doc = self.registered()
        self.as_("lanhdao.sokhcn")
        lead = {"kind": "unit", "id": self.agency["cntt"].UID()}
        with self.assertRaises(InvalidDataError) as refused:
            do_transition(doc, "assign", data={"lead": lead, "deadline": past})
        self.assertEqual(refused.exception.args[0], "error_deadline_past")
        self.assign(doc)
        self.as_("truongphong.sokhcn")
        with self.assertRaises(InvalidDataError) as refused:
            do_transition(
                doc, "reassign", data={"handler": "chuyenvien.sokhcn", "deadline": past}
            )
        self.assertEqual(refused.exception.args[0], "error_deadline_past")

    def test_dates_are_whole_or_refused(self):
        from phutho.intranet.dates import parse_date

        self.assertEqual(parse_date("31/12/2026"), date(2026, 12, 31))
        self.assertEqual(parse_date(" 2026-12-31 "), date(2026, 12, 31))
        self.assertEqual(parse_date("2026-12-31T08:00:00+07:00"), date(2026, 12, 31))
        self.assertEqual(
            parse_date("2026-12-30T20:00:00Z"), date(2026, 12, 31)
        )  # 03:00 local
        for bad in ("31/12/2026x", "2026-12-31junk", "2026-13-01", "31-12-2026"):
            with self.assertRaises(InvalidDataError, msg=bad):
                parse_date(bad)

    def test_reopen_gives_the_work_back(self):
        doc = self.registered()
        self.assign(doc)
        self.as_("truongphong.sokhcn")
        do_transition(doc, "reassign", data={"handler": "chuyenvien.sokhcn"})
        self.as_("chuyenvien.sokhcn")
        do_transition(doc, "start")
        do_transition(doc, "complete")
        self.as_("lanhdao.sokhcn")
        with self.assertRaises(InvalidDataError):
            do_transition(doc, "reopen")
        do_transition(doc, "reopen", comment="Cần bổ sung số liệu")
        self.assertEqual(self.state(doc), "in_progress")
        self.assertEqual(
            {(e["role"], e["id"]) for e in history_of(doc)[-1]["assignees"]},
            {("lead", self.agency["cntt"].UID()), ("handler", "chuyenvien.sokhcn")},
        )
        pending = self.catalog(
            assignees=["chuyenvien.sokhcn"], review_state=["assigned", "in_progress"]
        )
        self.assertIn(doc.UID(), [b.UID for b in pending])
        self.layer[
            "request"
        ].__annotations__.clear()  # borg.localrole caches per request
        self.as_("chuyenvien.sokhcn")
        do_transition(doc, "complete", comment="Đã bổ sung")
        self.assertEqual(self.state(doc), "completed")

    def test_progress_notes(self):
        from phutho.intranet.workflow.progress import add_progress_note

        doc = self.registered()
        self.assign(
            doc,
            lead={"kind": "user", "id": "chuyenvien.sokhcn", "deadline": in_days(5)},
        )
        self.as_("chuyenvien.sokhcn")
        doc.setModificationDate(DateTime("2026/01/01 08:00 GMT+7"))
        add_progress_note(doc, "Đã họp với các phòng liên quan", 40)
        self.assertGreater(doc.modified(), DateTime("2026/01/02"))
        brain = self.catalog(UID=doc.UID())[0]
        self.assertEqual(brain.modified, doc.modified())
        with self.assertRaises(InvalidDataError):
            add_progress_note(doc, "   ")
        with self.assertRaises(InvalidDataError):
            add_progress_note(doc, "Xong", 140)
        self.assertEqual(history_of(doc)[-1]["percent"], 40)

    def test_overdue(self):
        doc = self.registered()
        self.assign(doc)
        self.assertFalse(is_overdue(doc, self.state(doc)))
        # A deadline that has passed (set directly: assign refuses past dates).
        doc._assignments[0]["deadline"] = today() - timedelta(days=1)
        doc.reindexObject()
        self.assertTrue(is_overdue(doc, self.state(doc)))
        self.assertTrue(is_overdue(doc))  # the state read from the document
        for done in ("completed", "returned", "withdrawn"):
            self.assertFalse(is_overdue(doc, done), done)
        self.as_("lanhdao.sokhcn")
        yesterday = today() - timedelta(days=1)  # deadlines are indexed as dates
        late = self.catalog(
            deadline={"query": yesterday, "range": "max"},
            review_state=["assigned", "in_progress"],
        )
        self.assertEqual([b.UID for b in late], [doc.UID()])


class TestSecrecy(WorkflowCase):
    """Secret documents: only secret-register clerks, leaders and assignees."""

    def setUp(self):
        super().setUp()
        api.user.create(
            username="vanthu2.sokhcn", email="vt2@phutho.gov.vn", password=DEMO_PASSWORD
        )
        api.group.add_user(groupname="so-khcn-clerks", username="vanthu2.sokhcn")

    def test_secret_incoming_hidden_from_ordinary_clerks(self):
        self.as_("vanthu.sokhcn")  # in the secret-clerks group too
        doc = create_incoming(
            self.agency,
            secrecy="confidential",
            title="Phương án bảo vệ bí mật hệ thống",
        )
        do_transition(doc, "register")
        self.assertEqual(doc.register, self.agency["so-mat-den"].UID())
        do_transition(doc, "submit")
        self.assign(
            doc,
            lead={"kind": "user", "id": "chuyenvien.sokhcn", "deadline": in_days(3)},
        )
        visible = {"vanthu.sokhcn", "lanhdao.sokhcn", "chuyenvien.sokhcn"}
        hidden = {
            "vanthu2.sokhcn",
            "truongphong.sokhcn",
            "chuyenvien2.sokhcn",
            "vanthu.snv",
            "quantri",
        }
        for user in visible | hidden:
            self.as_(user)
            with self.subTest(user=user):
                found = self.catalog(SearchableText="Phương án bảo vệ bí mật hệ thống")
                self.assertEqual(len(found), 1 if user in visible else 0)
                self.assertEqual(
                    bool(api.user.get_permissions(obj=doc).get("View")), user in visible
                )

    def test_secret_outgoing_hidden_from_other_officials_once_issued(self):
        self.as_("chuyenvien.sokhcn")
        doc = create_outgoing(
            self.agency,
            "cntt",
            secrecy="secret",
            internal_recipients=[agency(self.portal, "so-noi-vu").UID()],
        )
        run_transitions(self.portal, doc, OUTGOING_TO_ISSUED)
        self.assertEqual(doc.register, self.agency["so-mat-di"].UID())
        self.as_("chuyenvien2.sokhcn")
        self.assertFalse(self.catalog(UID=doc.UID()))
        self.as_("vanthu2.sokhcn")
        self.assertFalse(self.catalog(UID=doc.UID()))
        # The recipient's copy is secret too: its ordinary clerks don't see it.
        copy_uid = delivery_status(doc)[0]["document"]
        api.user.create(
            username="vanthu2.snv", email="vt2snv@phutho.gov.vn", password=DEMO_PASSWORD
        )
        api.group.add_user(groupname="so-noi-vu-clerks", username="vanthu2.snv")
        self.as_("vanthu2.snv")
        self.assertFalse(self.catalog(UID=copy_uid))
        self.as_("vanthu.snv")  # demo clerks also keep the secret register
        self.assertTrue(self.catalog(UID=copy_uid))


class TestOutgoing(WorkflowCase):
    def issue(self, doc):
        run_transitions(self.portal, doc, OUTGOING_TO_ISSUED)

    def draft(self, **fields):
        self.as_("chuyenvien.sokhcn")
        fields.setdefault(
            "internal_recipients",
            [
                agency(self.portal, "so-noi-vu").UID(),
                agency(self.portal, "ubnd-tinh").UID(),
            ],
        )
        return create_outgoing(self.agency, "cntt", **fields)

    def test_numbers_and_symbols(self):
        base = last_number(self.agency["so-di"])
        first = self.draft()
        self.issue(first)
        second = self.draft(
            document_type="quyet-dinh", title="Quyết định ban hành quy chế"
        )
        self.issue(second)
        self.assertEqual(first.symbol, f"{base + 1:02d}/SKHCN-CNTT")
        self.assertEqual(second.symbol, f"{base + 2:02d}/QĐ-SKHCN")
        self.assertEqual(first.issued_date, today())
        self.assertEqual(first.signer_name, "Nguyễn Mạnh Cường")

    def test_empty_draft_cannot_be_submitted(self):
        doc = self.draft(content="")
        with self.assertRaises(InvalidDataError):
            do_transition(doc, "submit_for_review")

    def test_return_for_revision_needs_comment(self):
        doc = self.draft()
        do_transition(doc, "submit_for_review")
        self.as_("truongphong.sokhcn")
        with self.assertRaises(InvalidDataError):
            do_transition(doc, "return_for_revision")
        do_transition(doc, "return_for_revision", comment="Sửa lại phần căn cứ")
        self.assertEqual(self.state(doc), "draft")

    def test_issue_needs_recipients(self):
        doc = self.draft(internal_recipients=[])
        run_transitions(self.portal, doc, OUTGOING_TO_SIGNED)
        self.as_("vanthu.sokhcn")
        with self.assertRaises(InvalidDataError):
            do_transition(doc, "issue")
        self.assertIsNone(doc.number)

    def test_unit_added_later_sees_issued_documents(self):
        doc = self.draft()
        self.issue(doc)
        with api.env.adopt_roles(["Manager"]):
            unit = api.content.create(
                container=self.agency,
                type="Unit",
                id="ktkh",
                title="Phòng Kế hoạch",
                short_name="KH",
            )
            api.user.create(
                email="moi@sokhcn.example",
                username="moi.sokhcn",
                password="Moi@2026-Moi",
            )
            api.group.add_user(
                groupname=unit_group_id(unit, "specialists"), username="moi.sokhcn"
            )
        newcomer = api.user.get(userid="moi.sokhcn")
        self.assertTrue(api.user.has_permission("View", user=newcomer, obj=doc))
        login(self.portal, "moi.sokhcn")
        self.assertIn(
            doc.UID(), [b.UID for b in self.catalog(portal_type="OutgoingDocument")]
        )
        # Its groups leave with it.
        with api.env.adopt_roles(["Manager"]):
            api.content.delete(unit)
        officials = api.portal.get_tool("portal_groups").getGroupMembers(
            agency_group_id(self.agency, "officials")
        )
        self.assertIn(agency_group_id(self.agency, "clerks"), officials)
        self.assertNotIn(unit_group_id(unit, "specialists"), officials)
        self.assertIsNone(api.group.get(groupname=unit_group_id(unit, "specialists")))
        self.assertEqual(
            self.agency.get_local_roles_for_userid(unit_group_id(unit, "specialists")),
            (),
        )
        self.layer[
            "request"
        ].__annotations__.clear()  # borg.localrole caches per request
        self.assertFalse(
            api.user.has_permission(
                "View", user=api.user.get(userid="moi.sokhcn"), obj=doc
            )
        )

    def test_unit_moved_to_another_agency_changes_sides(self):
        doc = self.draft()
        self.issue(doc)
        other = agency(self.portal, "so-noi-vu")
        heads = unit_group_id(self.agency["cntt"], "heads")
        with api.env.adopt_roles(["Manager"]):
            api.content.move(source=self.agency["cntt"], target=other)
        groups = api.portal.get_tool("portal_groups")
        self.assertNotIn(
            heads, groups.getGroupMembers(agency_group_id(self.agency, "officials"))
        )
        self.assertIn(
            heads, groups.getGroupMembers(agency_group_id(other, "officials"))
        )
        self.assertEqual(self.agency.get_local_roles_for_userid(heads), ())
        self.assertEqual(other.get_local_roles_for_userid(heads), ("Official",))

    def test_deleted_agency_takes_its_groups(self):
        doomed = agency(self.portal, "so-xay-dung")
        ids = [
            agency_group_id(doomed, "officials"),
            agency_group_id(doomed, "clerks"),
            "so-xay-dung-vp-specialists",
        ]
        self.assertTrue(all(api.group.get(groupname=g) is not None for g in ids))
        with api.env.adopt_roles(["Manager"]):
            api.content.delete(doomed, check_linkintegrity=False)
        self.assertEqual([g for g in ids if api.group.get(groupname=g) is not None], [])

    def test_sharing_changes_are_not_undone(self):
        from plone.app.workflow.events import LocalrolesModifiedEvent
        from zope.event import notify

        specialists = "so-khcn-vp-specialists"
        with api.env.adopt_roles(["Manager"]):
            self.agency.manage_delLocalRoles([specialists])
            notify(LocalrolesModifiedEvent(self.agency, self.layer["request"]))
        self.assertEqual(self.agency.get_local_roles_for_userid(specialists), ())

    def test_symbol_that_cannot_be_made_is_refused_before_issue(self):
        doc = self.draft()  # a công văn: its symbol needs the unit's short name
        run_transitions(self.portal, doc, OUTGOING_TO_SIGNED)
        self.agency["cntt"].short_name = ""
        base = last_number(self.agency["so-di"])
        self.as_("vanthu.sokhcn")
        with self.assertRaises(InvalidDataError) as refused:
            do_transition(doc, "issue")
        self.assertEqual(refused.exception.args[0], "error_symbol_incomplete")
        self.assertEqual(self.state(doc), "signed")
        self.assertEqual(last_number(self.agency["so-di"]), base)

    def test_internal_delivery_and_progress(self):
        doc = self.draft()
        self.issue(doc)
        status = delivery_status(doc)
        self.assertEqual(
            [s["agency_title"] for s in status], ["Sở Nội vụ", "UBND tỉnh Phú Thọ"]
        )
        self.assertEqual({s["status_code"] for s in status}, {"01"})
        copy = uuidToObject(status[0]["document"], unrestricted=True)
        self.assertEqual(copy.number_symbol, doc.symbol)
        self.assertEqual(copy.sender_organ_id, self.agency.organ_id)
        self.assertEqual(copy.channel, "internal")
        self.assertNotIn("vanthu.sokhcn", dict(copy.get_local_roles()))
        self.as_("vanthu.snv")
        do_transition(copy, "register")
        self.assertEqual(delivery_status(doc)[0]["status_code"], "03")
        # The sender cannot read the copy, but knows its state.
        self.as_("vanthu.sokhcn")
        self.assertFalse(self.catalog(UID=copy.UID()))

    def test_recall(self):
        doc = self.draft()
        self.issue(doc)
        self.as_("lanhdao.sokhcn")
        with self.assertRaises(InvalidDataError):
            do_transition(doc, "recall")
        do_transition(doc, "recall", comment="Ban hành nhầm")
        self.assertEqual(self.state(doc), "recalled")
        status = delivery_status(doc)
        self.assertEqual(
            {(s["recall"], s["recall_code"]) for s in status}, {("requested", "13")}
        )
        # Each recipient answers: Sở Nội vụ agrees and withdraws its copy,
        # UBND tỉnh refuses with a reason.
        copies = {
            s["agency_title"]: uuidToObject(s["document"], unrestricted=True)
            for s in status
        }
        self.as_("vanthu.snv")
        do_transition(copies["Sở Nội vụ"], "accept_recall")
        self.assertEqual(self.state(copies["Sở Nội vụ"]), "withdrawn")
        self.as_("vanthu.ubndtinh")
        with self.assertRaises(InvalidDataError):
            do_transition(copies["UBND tỉnh Phú Thọ"], "refuse_recall")
        do_transition(
            copies["UBND tỉnh Phú Thọ"], "refuse_recall", comment="Đã thực hiện xong"
        )
        answers = {s["agency_title"]: s["recall_code"] for s in delivery_status(doc)}
        self.assertEqual(answers, {"Sở Nội vụ": "15", "UBND tỉnh Phú Thọ": "16"})

    def test_recall_transitions_only_after_a_recall(self):
        self.as_("vanthu.sokhcn")
        doc = create_incoming(self.agency)
        offered = {
            t["id"]
            for t in api.portal.get_tool("portal_workflow").getTransitionsFor(doc)
        }
        self.assertFalse(offered & {"accept_recall", "refuse_recall"})

    def test_replacement(self):
        from z3c.relationfield import RelationValue
        from zope.component import getUtility
        from zope.intid.interfaces import IIntIds

        old = self.draft()
        self.issue(old)
        fix = self.draft()
        fix.replaces = RelationValue(getUtility(IIntIds).getId(old))
        self.issue(fix)
        self.assertEqual(self.state(old), "replaced")
        self.assertEqual(history_of(fix)[-1]["replaces"], old.symbol)
        self.assertEqual(history_of(old)[-1]["actor"], "vanthu.sokhcn")
        # The recipients' copies of the old document learn of it.
        for status in delivery_status(old):
            copy = uuidToObject(status["document"], unrestricted=True)
            self.assertEqual(copy.replaced_by, fix.symbol)
            self.assertEqual(history_of(copy)[-1]["action"], "replaced")

    def test_history_records_every_step(self):
        doc = self.draft()
        self.issue(doc)
        actions = [(e["action"], e["actor"]) for e in history_of(doc)]
        self.assertEqual(
            actions,
            [
                ("submit_for_review", "chuyenvien.sokhcn"),
                ("submit_for_signature", "truongphong.sokhcn"),
                ("sign", "lanhdao.sokhcn"),
                ("issue", "vanthu.sokhcn"),
            ],
        )
        self.assertEqual(history_of(doc)[-1]["symbol"], doc.symbol)
