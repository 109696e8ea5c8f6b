"""The permission matrix of both document workflows.

Every cell (persona × state × permission or transition) is asserted
against the policy written out below, by hand, from the domain rules: the
test does not read the workflow definitions back. ``listed`` is catalog
security: whether the document appears in the persona's catalog results.

Personas, for a document of Sở TT&TT (agency ``so-tttt``) handled by its
unit ``cntt``: the agency's clerk, leader, the head of cntt and a
specialist of cntt (the handler of an incoming document, the drafter of an
outgoing one), a specialist of another unit of the same agency, an
official of another agency, the webmaster, and anonymous.
"""

from AccessControl import getSecurityManager
from datetime import timedelta
from phutho.intranet.dates import today
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import PHUTHO_DEMO_INTEGRATION_TESTING
from phutho.intranet.workflow.api import do_transition
from plone import api
from plone.app.testing import login
from plone.app.testing import logout

import unittest

PERSONAS = {
    "anonymous": None,
    "other_agency": "chuyenvien.snv",
    "other_unit": "chuyenvien2.sotttt",
    "webmaster": "quantri",
    "clerk": "vanthu.sotttt",
    "leader": "lanhdao.sotttt",
    "unit_head": "truongphong.sotttt",
    "specialist": "chuyenvien.sotttt",
}

PERMISSIONS = {
    "view": "View",
    "modify": "Modify portal content",
    "delete": "Delete objects",
    "add_annex": "plone.app.contenttypes: Add File",
    "registration_data": "phutho.intranet: Modify registration data",
    "correct": "phutho.intranet: Correct registration",
    "progress": "phutho.intranet: Add progress note",
}

HANDLERS = {"clerk", "leader", "unit_head", "specialist"}

# state -> {permission or "listed": personas allowed}
INCOMING = {
    "received": {
        "view": {"clerk"},
        "listed": {"clerk"},
        "modify": {"clerk"},
        "delete": {"clerk"},
        "add_annex": {"clerk"},
        "registration_data": {"clerk"},
    },
    "registered": {
        "view": {"clerk", "leader"},
        "listed": {"clerk", "leader"},
        "add_annex": {"clerk"},
        "correct": {"clerk"},
    },
    "submitted": {
        "view": {"clerk", "leader"},
        "listed": {"clerk", "leader"},
        "correct": {"clerk"},
    },
    "assigned": {
        "view": HANDLERS,
        "listed": HANDLERS,
        "correct": {"clerk"},
        "progress": {"leader", "unit_head", "specialist"},
        "add_annex": {"unit_head", "specialist"},
    },
    "in_progress": {
        "view": HANDLERS,
        "listed": HANDLERS,
        "correct": {"clerk"},
        "progress": {"leader", "unit_head", "specialist"},
        "add_annex": {"unit_head", "specialist"},
    },
    "completed": {"view": HANDLERS, "listed": HANDLERS, "correct": {"clerk"}},
    "returned": {"view": {"clerk"}, "listed": {"clerk"}},
    "withdrawn": {"view": {"clerk", "leader"}, "listed": {"clerk", "leader"}},
}

# state -> {persona: transitions offered}
INCOMING_TRANSITIONS = {
    "received": {"clerk": {"register", "return_to_sender"}},
    "registered": {"clerk": {"submit"}},
    "submitted": {"leader": {"assign", "send_back"}},
    "assigned": {
        "leader": {"reassign"},
        "unit_head": {"start", "reassign", "complete"},
        "specialist": {"start", "complete"},
    },
    "in_progress": {
        "leader": {"reassign"},
        "unit_head": {"reassign", "complete"},
        "specialist": {"complete"},
    },
    "completed": {"leader": {"reopen"}},
    "returned": {},
    "withdrawn": {},
}

AUTHORS = {"specialist", "unit_head"}
SIGNERS = {"specialist", "unit_head", "leader", "clerk"}
AGENCY = SIGNERS | {"other_unit"}

OUTGOING = {
    "draft": {
        "view": AUTHORS,
        "listed": AUTHORS,
        "modify": {"specialist"},
        "delete": {"specialist"},
        "add_annex": {"specialist"},
        "registration_data": {"specialist"},
    },
    "review": {
        "view": AUTHORS,
        "listed": AUTHORS,
        "modify": {"unit_head"},
        "add_annex": {"unit_head"},
        "registration_data": {"unit_head"},
    },
    "signing": {
        "view": SIGNERS,
        "listed": SIGNERS,
        "modify": {"leader"},
        "registration_data": {"leader"},
    },
    "signed": {
        "view": SIGNERS,
        "listed": SIGNERS,
        "modify": {"clerk"},
        "add_annex": {"clerk"},
    },
    "issued": {"view": AGENCY, "listed": AGENCY, "correct": {"clerk"}},
    "recalled": {"view": SIGNERS, "listed": SIGNERS},
    "replaced": {"view": AGENCY, "listed": AGENCY},
}

OUTGOING_TRANSITIONS = {
    "draft": {"specialist": {"submit_for_review"}},
    "review": {"unit_head": {"submit_for_signature", "return_for_revision"}},
    "signing": {
        "leader": {"sign", "return_for_revision"},
        "clerk": {"return_for_revision"},
    },
    "signed": {"clerk": {"issue"}},
    "issued": {
        "leader": {"recall"}
    },  # "replace" is the system's, at a replacement's issue
    "recalled": {},
    "replaced": {},
}


def as_user(portal, persona):
    if PERSONAS[persona] is None:
        logout()
    else:
        login(portal, PERSONAS[persona])


def report(test, states):
    """Every persona × permission cell of every state was asserted."""
    minimum = states * len(PERSONAS) * (len(PERMISSIONS) + 1)
    test.assertGreaterEqual(test.cells, minimum)
    print(f"\n  {type(test).__name__}: {test.cells} cells asserted")


class MatrixCase(unittest.TestCase):
    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def setUp(self):
        self.cells = 0
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-tttt")
        self.catalog = api.portal.get_tool("portal_catalog")
        self.wftool = api.portal.get_tool("portal_workflow")

    def act(self, persona, document, transition, comment="", **data):
        as_user(self.portal, persona)
        do_transition(document, transition, comment=comment, data=data)

    def check(self, document, state, policy, transitions):
        self.assertEqual(api.content.get_state(document), state)
        for persona in PERSONAS:
            as_user(self.portal, persona)
            for key, permission in PERMISSIONS.items():
                allowed = persona in policy.get(key, set())
                with self.subTest(state=state, persona=persona, permission=key):
                    self.assertEqual(
                        bool(
                            getSecurityManager().checkPermission(permission, document)
                        ),
                        allowed,
                    )
                self.cells += 1
            with self.subTest(state=state, persona=persona, permission="listed"):
                listed = bool(self.catalog(UID=document.UID()))
                self.assertEqual(listed, persona in policy.get("listed", set()))
            self.cells += 1
            offered = {t["id"] for t in self.wftool.getTransitionsFor(document)}
            expected = transitions.get(persona, set())
            every = {t for ts in transitions.values() for t in ts} | offered
            for transition in sorted(every):
                with self.subTest(state=state, persona=persona, transition=transition):
                    self.assertEqual(transition in offered, transition in expected)
                self.cells += 1


class TestIncomingMatrix(MatrixCase):
    def walk(self, target):
        login(self.portal, "vanthu.sotttt")
        number = list(INCOMING).index(target) + 1
        doc = create_incoming(self.agency, number_symbol=f"{number}/BTTTT-CĐSQG")
        if target == "received":
            return doc
        if target == "returned":
            self.act("clerk", doc, "return_to_sender", comment="Gửi nhầm cơ quan")
            return doc
        if target == "withdrawn":
            doc.recall = "requested"  # as the sender's recall leaves it
            self.act("clerk", doc, "accept_recall")
            return doc
        self.act("clerk", doc, "register")
        if target == "registered":
            return doc
        self.act("clerk", doc, "submit")
        if target == "submitted":
            return doc
        deadline = (today() + timedelta(days=10)).isoformat()
        self.act(
            "leader",
            doc,
            "assign",
            lead={
                "kind": "unit",
                "id": self.agency["cntt"].UID(),
                "deadline": deadline,
            },
            instructions="Đề nghị phòng CNTT tham mưu.",
        )
        self.act("unit_head", doc, "reassign", handler="chuyenvien.sotttt")
        if target == "assigned":
            return doc
        self.act("specialist", doc, "start")
        if target == "in_progress":
            return doc
        self.act("specialist", doc, "complete")
        return doc

    def test_matrix(self):
        for state in INCOMING:
            with self.subTest(state=state):
                doc = self.walk(state)
                self.check(doc, state, INCOMING[state], INCOMING_TRANSITIONS[state])
        report(self, len(INCOMING))


class TestOutgoingMatrix(MatrixCase):
    def walk(self, target):
        login(self.portal, "chuyenvien.sotttt")
        doc = create_outgoing(
            self.agency,
            "cntt",
            internal_recipients=[agency(self.portal, "so-noi-vu").UID()],
        )
        path = [
            ("draft", None, None),
            ("review", "specialist", "submit_for_review"),
            ("signing", "unit_head", "submit_for_signature"),
            ("signed", "leader", "sign"),
            ("issued", "clerk", "issue"),
        ]
        for state, persona, transition in path:
            if transition:
                self.act(persona, doc, transition)
            if state == target:
                return doc
        if target == "recalled":
            self.act("leader", doc, "recall", comment="Văn bản ban hành sai thẩm quyền")
            return doc
        # replaced: a correcting document is issued
        login(self.portal, "chuyenvien.sotttt")
        fix = create_outgoing(
            self.agency,
            "cntt",
            internal_recipients=[agency(self.portal, "so-noi-vu").UID()],
        )
        from z3c.relationfield import RelationValue
        from zope.component import getUtility
        from zope.intid.interfaces import IIntIds

        fix.replaces = RelationValue(getUtility(IIntIds).getId(doc))
        for persona, transition in (
            ("specialist", "submit_for_review"),
            ("unit_head", "submit_for_signature"),
            ("leader", "sign"),
            ("clerk", "issue"),
        ):
            self.act(persona, fix, transition)
        return doc

    def test_matrix(self):
        for state in OUTGOING:
            with self.subTest(state=state):
                doc = self.walk(state)
                self.check(doc, state, OUTGOING[state], OUTGOING_TRANSITIONS[state])
        report(self, len(OUTGOING))
