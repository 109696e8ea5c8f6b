"""The whole permission matrix of every workflow of the portal: incoming
and outgoing documents, the work calendar's weeks, registers, case files,
and agencies, units and calendars (the structure workflow).

Every cell — persona × secrecy × state × permission, catalog listing and
transition — is asserted against the policy written out below, by hand,
from the domain rules; the test never reads the workflow definitions for
its expectations (only to check that it covers every permission they
manage). Every state is reached through real transitions, recalls
included (another agency issues, recalls, and the clerk answers). Every
transition offered is run (and rolled back) and must end in the state the
rules say; every other transition of the workflow is tried and must be
refused without changing anything.

The documents belong to Sở KH&CN (``so-khcn``): incoming ones are handled
by its unit ``cntt`` (head: truongphong, handler: chuyenvien) with the
unit ``bcvt`` co-ordinating; outgoing ones are drafted in ``cntt`` by
chuyenvien. Incoming documents that another agency recalls come from Sở
Nội vụ (``so-noi-vu``).

The weeks of Sở KH&CN's work calendar, its registers (ordinary and
secret) and case files (kept, and shared through their fields) are
checked the same way, each state reached by every way there (a week's
appointment is checked with its week); its agency, unit and calendar
have one state and no transitions. For these the variant of a state is
the way there (read back from the workflow history), not a secrecy.

``TestSharingPage``: on the sharing page only webmasters hand out roles
(Plone lets Owner and Editor do it, which bypassed the workflows).
"""

from AccessControl import getSecurityManager
from collections import Counter
from datetime import timedelta
from phutho.intranet.content.storage import add_document
from phutho.intranet.content.workcalendar import monday_of
from phutho.intranet.dates import today
from phutho.intranet.exc import WorkflowRefusedError
from phutho.intranet.groups import agency_group_id
from phutho.intranet.groups import unit_group_id
from phutho.intranet.schedule.setup import CALENDAR_ID
from phutho.intranet.schedule.weeks import week_id
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import PHUTHO_DEMO_INTEGRATION_TESTING
from phutho.intranet.workflow.api import do_transition
from phutho.intranet.workflow.delivery import deliveries_of
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.uuid.utils import uuidToObject
from plone.app.workflow.events import LocalrolesModifiedEvent
from zExceptions import Unauthorized
from zope.annotation.interfaces import IAnnotations
from zope.event import notify

import transaction
import unittest

SECRECY = ("normal", "confidential", "secret", "top_secret")

# persona -> user id (None: anonymous). Users marked * are made by the test.
PERSONAS = {
    "anonymous": None,
    "webmaster": "quantri",
    "clerk": "vanthu.sokhcn",  # clerk of the ordinary and the secret registers
    "plain_clerk": "vanthu2.sokhcn",  # * clerk of the ordinary registers only
    "secret_clerk": "vanthumat.sokhcn",  # * clerk of the secret registers only
    "leader": "lanhdao.sokhcn",
    "unit_head": "truongphong.sokhcn",  # head of cntt
    "specialist": "chuyenvien.sokhcn",  # cntt: the handler, the drafter
    "unit_specialist": "chuyenvien3.sokhcn",  # * cntt, not assigned, not drafting
    "coordinator": "truongphong.bcvt.sokhcn",  # * head of bcvt, co-ordinating
    "other_unit": "chuyenvien2.sokhcn",  # specialist of vp
    "other_clerk": "vanthu.snv",  # another agency's
    "other_leader": "lanhdao.snv",
    "other_official": "chuyenvien.snv",
}

# What each persona is to a document, by hand from the domain rules
# (docs/operations.md, "Users, groups and roles"). ``official``: works in
# the agency (sees its issued documents unless they are secret).
AGENCY_PEOPLE = {
    "clerk",
    "plain_clerk",
    "secret_clerk",
    "leader",
    "unit_head",
    "specialist",
    "unit_specialist",
    "coordinator",
    "other_unit",
}


def capacities(persona, secret, direction):
    """The capacities ``persona`` has on a document of Sở KH&CN."""
    found = set()
    if persona in AGENCY_PEOPLE and not secret:
        found.add("official")
    if persona == "clerk" or persona == ("secret_clerk" if secret else "plain_clerk"):
        found.add("clerk")
    if persona == "leader":
        found.add("leader")
    if direction == "incoming":
        found |= {
            "unit_head": {"lead_head"},
            "specialist": {"handler"},
            "coordinator": {"coordinator"},
        }.get(persona, set())
    else:
        found |= {"unit_head": {"drafting_head"}, "specialist": {"drafter"}}.get(
            persona, set()
        )
    return found


# -- incoming: permission -> capacities, per state ----------------------------------

INCOMING_PERMISSIONS = {
    "view": "View",
    "access": "Access contents information",
    "modify": "Modify portal content",
    "delete": "Delete objects",
    "add": "Add portal content",
    "add_annex": "plone.app.contenttypes: Add File",
    "registration_data": "phutho.intranet: Modify registration data",
    "correct": "phutho.intranet: Correct registration",
    "progress": "phutho.intranet: Add progress note",
    "register": "phutho.intranet: Register document",
    "assign": "phutho.intranet: Assign document",
    "process": "phutho.intranet: Process document",
    "handle_recall": "phutho.intranet: Handle recall",
    "copy_move": "Copy or Move",
}

CLERK = {"clerk"}
READERS = {"clerk", "leader"}
HANDLING = {"lead_head", "handler"}
INVOLVED = READERS | HANDLING | {"coordinator"}

_received = {
    "view": CLERK,
    "access": CLERK,
    "modify": CLERK,
    "delete": CLERK,
    "add": CLERK,
    "add_annex": CLERK,
    "registration_data": CLERK,
    "register": CLERK,
    "handle_recall": CLERK,
}
_registered = {
    "view": READERS,
    "access": READERS,
    "add": CLERK,
    "add_annex": CLERK,
    "correct": CLERK,
    "register": CLERK,
    "handle_recall": CLERK,
}
_submitted = {
    "view": READERS,
    "access": READERS,
    "correct": CLERK,
    "assign": {"leader"},
    "handle_recall": CLERK,
}
_in_work = {
    "view": INVOLVED,
    "access": INVOLVED,
    "add": HANDLING,
    "add_annex": HANDLING,
    "correct": CLERK,
    "progress": {"leader"} | HANDLING | {"coordinator"},
    "assign": {"leader", "lead_head"},
    "process": HANDLING,
    "handle_recall": CLERK,
}
_completed = {
    "view": INVOLVED,
    "access": INVOLVED,
    "correct": CLERK,
    "assign": {"leader"},
    "handle_recall": CLERK,
}

# state -> (permissions, {transition: capacities offered})
INCOMING = {
    "received": (_received, {"register": CLERK, "return_to_sender": CLERK}),
    "registered": (_registered, {"submit": CLERK}),
    "submitted": (_submitted, {"assign": {"leader"}, "send_back": {"leader"}}),
    "assigned": (
        _in_work,
        {"start": HANDLING, "complete": HANDLING, "reassign": {"leader", "lead_head"}},
    ),
    "in_progress": (
        _in_work,
        {"complete": HANDLING, "reassign": {"leader", "lead_head"}},
    ),
    "completed": (_completed, {"reopen": {"leader"}}),
    "returned": ({"view": CLERK, "access": CLERK}, {}),
    "withdrawn": ({"view": READERS, "access": READERS}, {}),
}
# While the sender's recall waits for an answer, the clerk may answer it.
RECALL_ANSWERS = {"accept_recall": CLERK, "refuse_recall": CLERK}
INCOMING_ENDS = {
    "register": "registered",
    "return_to_sender": "returned",
    "submit": "submitted",
    "send_back": "registered",
    "assign": "assigned",
    "reassign": None,  # stays
    "start": "in_progress",
    "complete": "completed",
    "reopen": "in_progress",
    "accept_recall": "withdrawn",
    "refuse_recall": None,
}

# -- outgoing ------------------------------------------------------------------------

OUTGOING_PERMISSIONS = {
    "view": "View",
    "access": "Access contents information",
    "modify": "Modify portal content",
    "delete": "Delete objects",
    "add": "Add portal content",
    "add_annex": "plone.app.contenttypes: Add File",
    "registration_data": "phutho.intranet: Modify registration data",
    "content": "phutho.intranet: Modify document content",
    "correct": "phutho.intranet: Correct registration",
    "submit": "phutho.intranet: Submit draft",
    "review": "phutho.intranet: Review draft",
    "return": "phutho.intranet: Return draft",
    "sign": "phutho.intranet: Sign document",
    "issue": "phutho.intranet: Issue document",
    "recall": "phutho.intranet: Recall document",
    "copy_move": "Copy or Move",
}

AUTHORS = {"drafter", "drafting_head"}
SIGNERS = AUTHORS | {"leader", "clerk"}
PUBLIC = SIGNERS | {"official"}
DRAFTER = {"drafter"}
HEAD = {"drafting_head"}

OUTGOING = {
    "draft": (
        {
            "view": AUTHORS,
            "access": AUTHORS,
            "modify": DRAFTER,
            "delete": DRAFTER,
            "add": DRAFTER,
            "add_annex": DRAFTER,
            "registration_data": DRAFTER,
            "content": DRAFTER,
            "submit": DRAFTER,
        },
        {"submit_for_review": DRAFTER},
    ),
    "review": (
        {
            "view": AUTHORS,
            "access": AUTHORS,
            "modify": HEAD,
            "add": HEAD,
            "add_annex": HEAD,
            "registration_data": HEAD,
            "content": HEAD,
            "review": HEAD,
            "return": HEAD,
        },
        {"submit_for_signature": HEAD, "return_for_revision": HEAD},
    ),
    "signing": (
        {
            "view": SIGNERS,
            "access": SIGNERS,
            "modify": {"leader"},
            "registration_data": {"leader"},
            "content": {"leader"},
            "return": {"leader", "clerk"},
            "sign": {"leader"},
        },
        {"sign": {"leader"}, "return_for_revision": {"leader", "clerk"}},
    ),
    # What the leader signed is fixed: the clerk attaches the signed file.
    "signed": (
        {
            "view": SIGNERS,
            "access": SIGNERS,
            "modify": CLERK,
            "add": CLERK,
            "add_annex": CLERK,
            "issue": CLERK,
        },
        {"issue": CLERK},
    ),
    "issued": (
        {"view": PUBLIC, "access": PUBLIC, "correct": CLERK, "recall": {"leader"}},
        {"recall": {"leader"}},  # "replace" is the system's, at a replacement's issue
    ),
    "recalled": ({"view": SIGNERS, "access": SIGNERS}, {}),
    "replaced": ({"view": PUBLIC, "access": PUBLIC}, {}),
}
OUTGOING_ENDS = {
    "submit_for_review": "review",
    "submit_for_signature": "signing",
    "return_for_revision": "draft",
    "sign": "signed",
    "issue": "issued",
    "recall": "recalled",
    "replace": "replaced",
}

# -- the work calendar's weeks --------------------------------------------------------
# A week of Sở KH&CN's work calendar (lịch công tác): not a document, no
# secrecy. Its clerks (every clerk of the agency, of either register) write
# and publish it, its leaders read the draft, its officials read it once it
# is published to the agency, everyone once it is public. Webmasters (Site
# Administrators) look after the calendars like the rest of the site.

CALENDAR_PERMISSIONS = {
    "view": "View",
    "access": "Access contents information",
    "modify": "Modify portal content",
    "delete": "Delete objects",
    "add": "Add portal content",
    "add_entry": "phutho.intranet: Add CalendarEntry",
}
# An appointment has no workflow of its own: the week's state decides.
ENTRY_PERMISSIONS = ("view", "access", "modify", "delete")

# Everyone who holds Clerk on the agency, of either kind of register.
AGENCY_CLERKS = {"clerk", "plain_clerk", "secret_clerk"}


def calendar_capacities(persona):
    """The capacities ``persona`` has on a week of Sở KH&CN's calendar."""
    found = {"everyone"}
    if persona in AGENCY_PEOPLE:
        found.add("official")
    if persona in AGENCY_CLERKS:
        found.add("clerk")
    if persona in ("leader", "webmaster"):
        found.add(persona)
    return found


WRITERS = {"clerk", "webmaster"}
_writing = {"modify": WRITERS, "add": WRITERS, "add_entry": WRITERS}
_published = {**_writing, "delete": {"webmaster"}}  # cancelled, not deleted

CALENDAR = {
    "draft": (
        {
            "view": {"clerk", "leader", "webmaster"},
            "access": {"clerk", "leader", "webmaster"},
            **_writing,
            "delete": WRITERS,
        },
        {"publish_internal": WRITERS, "publish_public": WRITERS},
    ),
    "internal": (
        {"view": {"official", "webmaster"}, "access": {"official", "webmaster"}}
        | _published,
        {"publish_public": WRITERS, "retract": WRITERS},
    ),
    "public": (
        {"view": {"everyone"}, "access": {"everyone"}} | _published,
        {"publish_internal": WRITERS, "retract": WRITERS},
    ),
}
CALENDAR_ENDS = {
    "publish_internal": "internal",
    "publish_public": "public",
    "retract": "draft",
}
# How each week gets to its state: the states it went through.
CALENDAR_PATHS = (
    ("draft",),
    ("draft", "internal"),
    ("draft", "public"),
    ("draft", "internal", "draft"),
    ("draft", "public", "draft"),
    ("draft", "internal", "public"),
    ("draft", "public", "internal"),
)

# -- registers -------------------------------------------------------------------------
# A register (sổ) of Sở KH&CN: its clerks and leaders see it, webmasters
# keep it and close it at year end. A secret register is seen only by the
# clerks of the secret registers and the leaders.

REGISTER_PERMISSIONS = {
    "view": "View",
    "access": "Access contents information",
    "modify": "Modify portal content",
    "delete": "Delete objects",
    "manage": "phutho.intranet: Manage registers",
}


def register_capacities(persona, secret):
    """The capacities ``persona`` has on a register of Sở KH&CN. Every
    clerk holds Clerk on the agency, which an ordinary register inherits."""
    found = set()
    if persona in ({"clerk", "secret_clerk"} if secret else AGENCY_CLERKS):
        found.add("clerk")
    if persona in ("leader", "webmaster"):
        found.add(persona)
    return found


_register_readers = {"clerk", "leader", "webmaster"}
REGISTER = {
    "open": (
        {
            "view": _register_readers,
            "access": _register_readers,
            "modify": {"webmaster"},
            "manage": {"webmaster"},
        },
        {"close": {"webmaster"}},
    ),
    # Its numbers are kept: nobody edits it (the Manager aside).
    "closed": (
        {
            "view": _register_readers,
            "access": _register_readers,
            "manage": {"webmaster"},
        },
        {"reopen": {"webmaster"}},
    ),
}
REGISTER_ENDS = {"close": "closed", "reopen": "open"}
REGISTER_PATHS = (("open",), ("open", "closed"), ("open", "closed", "open"))

# -- case files ------------------------------------------------------------------------
# A case file (hồ sơ) of Sở KH&CN kept by the specialist: the agency's
# clerks and leaders see it, its keeper may share it with units and people
# (Reader) and people who add documents (Editor). The keeper or a clerk
# closes it; only a clerk reopens it.

CASEFILE_PERMISSIONS = {
    "view": "View",
    "access": "Access contents information",
    "modify": "Modify portal content",
    "delete": "Delete objects",
    "close": "phutho.intranet: Close case file",
}
# Shared with: the unit bcvt (its head, the coordinator, reads), a person
# of another unit (reads) and a specialist of cntt (adds documents).
CASEFILE_SHARES = {"coordinator": "reader", "other_unit": "reader"}
CASEFILE_EDITOR = "unit_specialist"


def casefile_capacities(persona, shared):
    """The capacities ``persona`` has on the case file."""
    found = set()
    if persona in AGENCY_CLERKS:  # Clerk on the agency, inherited
        found.add("clerk")
    if persona == "leader":
        found.add("leader")
    if persona == "specialist":
        found.add("keeper")
    if shared and persona in CASEFILE_SHARES:
        found.add("reader")
    if shared and persona == CASEFILE_EDITOR:
        found |= {"reader", "editor"}
    return found


_casefile_readers = {"clerk", "leader", "keeper", "reader", "editor"}
CASEFILE = {
    "open": (
        {
            "view": _casefile_readers,
            "access": _casefile_readers,
            "modify": {"clerk", "keeper", "editor"},
            "delete": {"keeper"},
            "close": {"clerk", "keeper"},
        },
        {"close": {"clerk", "keeper"}},
    ),
    # Kept for its retention period: nobody changes it.
    "closed": (
        {"view": _casefile_readers, "access": _casefile_readers, "close": CLERK},
        {"reopen": CLERK},
    ),
}
CASEFILE_ENDS = {"close": "closed", "reopen": "open"}
CASEFILE_PATHS = REGISTER_PATHS

# -- agencies, units and their calendars -------------------------------------------
# Public: everyone sees them, webmasters edit them. No transitions.

STRUCTURE_PERMISSIONS = {
    "view": "View",
    "access": "Access contents information",
    "modify": "Modify portal content",
    "delete": "Delete objects",
}
STRUCTURE = {
    "published": (
        {
            "view": {"everyone"},
            "access": {"everyone"},
            "modify": {"webmaster"},
            "delete": {"webmaster"},
        },
        {},
    ),
}


def as_user(portal, persona):
    if PERSONAS[persona] is None:
        logout()
    else:
        login(portal, PERSONAS[persona])


class MatrixCase(unittest.TestCase):
    layer = PHUTHO_DEMO_INTEGRATION_TESTING
    direction = None
    permissions = None
    ends = None
    workflow = None
    # What tells the documents of one state apart: their secrecy level.
    variants = SECRECY
    variants_label = "secrecy levels and variants"

    def setUp(self):
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")
        self.other = agency(self.portal, "so-noi-vu")
        self.catalog = api.portal.get_tool("portal_catalog")
        self.wftool = api.portal.get_tool("portal_workflow")
        self.cells = Counter()  # (kind, persona, permission or transition)
        self.seen = set()  # (state, variant, persona, permission)
        self.ran = Counter()  # transition -> runs that succeeded
        self.refused = Counter()  # transition -> attempts refused
        self.counter = 0
        self.make_people()

    def make_people(self):
        """The personas the demo has no account for."""
        login(self.portal, "quantri")
        with api.env.adopt_roles(["Manager"]):
            for persona, group in (
                ("plain_clerk", agency_group_id(self.agency, "clerks")),
                ("secret_clerk", agency_group_id(self.agency, "secret-clerks")),
                ("unit_specialist", unit_group_id(self.agency["cntt"], "specialists")),
                ("coordinator", unit_group_id(self.agency["bcvt"], "heads")),
            ):
                user_id = PERSONAS[persona]
                api.user.create(
                    email=f"{user_id}@phutho.gov.vn",
                    username=user_id,
                    password=DEMO_PASSWORD,
                )
                api.group.add_user(groupname=group, username=user_id)

    def act(self, persona, document, transition, comment=""):
        """``persona`` runs ``transition`` with the data it needs."""
        as_user(self.portal, persona)
        data = self.data_for(document, transition)
        do_transition(document, transition, comment=comment, data=data)

    def next_symbol(self, prefix):
        self.counter += 1
        return f"{self.counter}/{prefix}"

    # -- the checks --------------------------------------------------------------------

    def variant_of(self, document):
        return document.secrecy

    def capacities_of(self, persona, document):
        return capacities(persona, document.secrecy != "normal", self.direction)

    def cell_keys(self):
        """What :meth:`check` asserts for each persona."""
        return [*self.permissions, "listed"]

    def check(self, document, state, variant, policy, offered):
        """Assert every cell of ``document`` in ``state``."""
        self.assertEqual(api.content.get_state(document), state)
        self.assertEqual(self.variant_of(document), variant)
        for persona in PERSONAS:
            has = self.capacities_of(persona, document)
            as_user(self.portal, persona)
            security = getSecurityManager()
            for key, permission in self.permissions.items():
                expected = bool(has & policy.get(key, set()))
                with self.subTest(
                    state=state, variant=variant, persona=persona, permission=key
                ):
                    self.assertEqual(
                        bool(security.checkPermission(permission, document)), expected
                    )
                self.cells["permission", persona, key] += 1
                self.seen.add((state, variant, persona, key))
            with self.subTest(
                state=state, variant=variant, persona=persona, cell="listed"
            ):
                listed = bool(self.catalog(UID=document.UID()))
                self.assertEqual(listed, bool(has & policy.get("view", set())))
            self.cells["listed", persona, "listed"] += 1
            self.seen.add((state, variant, persona, "listed"))
            self.check_more(document, state, variant, persona, has, policy)
            self.check_transitions(document, state, variant, persona, has, offered)

    def check_more(self, document, state, variant, persona, has, policy):
        """Cells a workflow adds (the signed-in ``persona`` is current)."""

    def check_transitions(self, document, state, variant, persona, has, offered):
        """Offered ones are listed and run; the others are refused."""
        listed = {t["id"] for t in self.wftool.getTransitionsFor(document)}
        for transition in sorted(self.ends):
            expected = bool(has & offered.get(transition, set()))
            with self.subTest(
                state=state, variant=variant, persona=persona, transition=transition
            ):
                self.assertEqual(transition in listed, expected)
                if expected:
                    self.run_offered(document, state, persona, transition)
                else:
                    self.try_refused(document, state, persona, transition)
            self.cells["transition", persona, f"{transition}()"] += 1

    def run_offered(self, document, state, persona, transition):
        savepoint = transaction.savepoint()
        try:
            as_user(self.portal, persona)
            do_transition(
                document,
                transition,
                comment="Kiểm tra ma trận quyền",
                data=self.data_for(document, transition),
            )
            end = self.ends[transition] or state
            self.assertEqual(api.content.get_state(document), end)
            self.ran[transition] += 1
        finally:
            savepoint.rollback()
        self.assertEqual(api.content.get_state(document), state)

    def try_refused(self, document, state, persona, transition):
        history = len(document.workflow_history.get(self.workflow, ()))
        savepoint = transaction.savepoint()
        try:
            as_user(self.portal, persona)
            data = self.data_for(document, transition)
            with self.assertRaises(WorkflowRefusedError):
                do_transition(
                    document, transition, comment="Kiểm tra ma trận quyền", data=data
                )
            self.refused[transition] += 1
            # Refused before anything changed: nothing to roll back.
            self.assertEqual(api.content.get_state(document), state)
            self.assertEqual(
                len(document.workflow_history.get(self.workflow, ())), history
            )
        finally:
            savepoint.rollback()

    # -- the report ----------------------------------------------------------------------

    def report(self, states, variants):
        """Fails unless every cell was asserted and every transition both
        ran for someone and was refused to someone."""
        managed = set(self.wftool[self.workflow].permissions)
        self.assertEqual(
            managed,
            set(self.permissions.values()),
            "the matrix covers every permission the workflow manages",
        )
        expected = {
            (state, variant, persona, key)
            for state, variant in variants
            for persona in PERSONAS
            for key in self.cell_keys()
        }
        self.assertEqual(self.seen, expected, "every cell asserted")
        self.assertEqual({s for s, _ in variants}, set(states), "every state reached")
        self.assertEqual({x for _, x in variants}, set(self.variants))
        for transition in self.ends:
            if transition == "replace":  # nobody's: the system runs it
                self.assertEqual(self.ran[transition], 0)
            else:
                self.assertGreater(self.ran[transition], 0, f"{transition} ran")
            self.assertGreater(self.refused[transition], 0, f"{transition} refused")
        total = sum(self.cells.values())
        by_persona = Counter()
        by_kind = Counter()
        for (kind, persona, what), count in self.cells.items():
            by_persona[persona] += count
            by_kind[kind] += count
        print(
            f"\n  {self.workflow}: {total} cells over {len(variants)} documents "
            f"({len(states)} states x {len(self.variants)} {self.variants_label}): "
            + ", ".join(f"{k} {v}" for k, v in sorted(by_kind.items()))
        )
        print("    by persona: " + ", ".join(f"{p} {by_persona[p]}" for p in PERSONAS))
        per_permission = Counter()
        for (kind, persona, what), count in self.cells.items():
            per_permission[what] += count
        print(
            "    by permission/transition: "
            + ", ".join(f"{k} {v}" for k, v in sorted(per_permission.items()))
        )
        return total


class TestIncomingMatrix(MatrixCase):
    direction = "incoming"
    permissions = INCOMING_PERMISSIONS
    ends = INCOMING_ENDS
    workflow = "phutho_incoming_workflow"

    def registers(self, document):
        return self.agency["so-mat-den" if document.secrecy != "normal" else "so-den"]

    def data_for(self, document, transition):
        deadline = (today() + timedelta(days=10)).isoformat()
        assignment = {
            "lead": {
                "kind": "unit",
                "id": self.agency["cntt"].UID(),
                "deadline": deadline,
            },
            "coordinators": [{"kind": "unit", "id": self.agency["bcvt"].UID()}],
            "instructions": "Đề nghị phòng CNTT chủ trì, phòng BCVT phối hợp.",
        }
        return {
            # Copies from Sở Nội vụ's ordinary and secret series can share
            # a number and symbol; the duplicate rule is test_workflow's.
            "register": {
                "register": self.registers(document).UID(),
                "allow_duplicate": True,
            },
            "assign": assignment,
            # A leader re-assigns as a whole, a head of unit hands over.
            "reassign": (
                assignment
                if "Leader" in api.user.get_roles(obj=document)
                else {"handler": PERSONAS["specialist"]}
            ),
        }.get(transition, {})

    def walk(self, document, target):
        """Take a received document to ``target`` through the transitions
        the people do."""
        path = [
            ("registered", "clerk", "register"),
            ("submitted", "clerk", "submit"),
            ("assigned", "leader", "assign"),
            ("assigned", "unit_head", "reassign"),
            ("in_progress", "specialist", "start"),
            ("completed", "specialist", "complete"),
        ]
        if target == "received":
            return document
        if target == "returned":
            self.act("clerk", document, "return_to_sender", comment="Gửi nhầm cơ quan")
            return document
        for state, persona, transition in path:
            self.act(persona, document, transition, comment="Chuyển bước")
            if state == target and (transition != "assign"):
                return document
        raise AssertionError(target)

    def paper(self, secrecy):
        login(self.portal, PERSONAS["clerk"])
        return create_incoming(
            self.agency,
            secrecy=secrecy,
            number_symbol=self.next_symbol("BKHCN-VP"),
        )

    def delivered(self, secrecy):
        """An incoming document Sở Nội vụ issued to Sở KH&CN."""
        login(self.portal, "chuyenvien.snv")
        outgoing = create_outgoing(
            self.other,
            "tcbc",
            secrecy=secrecy,
            drafter="chuyenvien.snv",
            internal_recipients=[self.agency.UID()],
        )
        register = self.other["so-mat-di" if secrecy != "normal" else "so-di"]
        for user, transition, data in (
            ("chuyenvien.snv", "submit_for_review", {}),
            ("truongphong.snv", "submit_for_signature", {}),
            ("lanhdao.snv", "sign", {}),
            ("vanthu.snv", "issue", {"register": register.UID()}),
        ):
            login(self.portal, user)
            do_transition(outgoing, transition, data=data)
        copy = uuidToObject(
            deliveries_of(outgoing)[self.agency.UID()], unrestricted=True
        )
        return outgoing, copy

    def recall(self, outgoing):
        login(self.portal, "lanhdao.snv")
        do_transition(outgoing, "recall", comment="Ban hành sai thẩm quyền")

    def test_matrix(self):
        variants = []
        for secrecy in SECRECY:
            for state, (policy, offered) in INCOMING.items():
                if state == "withdrawn":
                    # The sender recalls, the clerk agrees: as it happens.
                    outgoing, document = self.delivered(secrecy)
                    self.walk(document, "registered")
                    self.recall(outgoing)
                    self.act("clerk", document, "accept_recall")
                    self.assertEqual(document.recall, "accepted")
                else:
                    document = self.walk(self.paper(secrecy), state)
                self.check(document, state, secrecy, policy, offered)
                variants.append((state, secrecy))
                if state in ("returned", "withdrawn"):
                    continue
                # The same state while another agency's recall waits.
                outgoing, document = self.delivered(secrecy)
                self.walk(document, state)
                self.recall(outgoing)
                self.assertEqual(document.recall, "requested")
                self.check(
                    document, state, secrecy, policy, {**offered, **RECALL_ANSWERS}
                )
                variants.append((state, secrecy))
            # A refused recall leaves the document where it was.
            outgoing, document = self.delivered(secrecy)
            self.walk(document, "in_progress")
            self.recall(outgoing)
            self.act(
                "clerk", document, "refuse_recall", comment="Đã xử lý xong phần lớn"
            )
            self.assertEqual(document.recall, "refused")
            policy, offered = INCOMING["in_progress"]
            self.check(document, "in_progress", secrecy, policy, offered)
            variants.append(("in_progress", secrecy))
        self.report(INCOMING, variants)


class TestOutgoingMatrix(MatrixCase):
    direction = "outgoing"
    permissions = OUTGOING_PERMISSIONS
    ends = OUTGOING_ENDS
    workflow = "phutho_outgoing_workflow"

    def data_for(self, document, transition):
        if transition == "issue":
            register = self.agency[
                "so-mat-di" if document.secrecy != "normal" else "so-di"
            ]
            return {"register": register.UID()}
        if transition == "replace":
            return {"replacement": document.UID()}  # refused: not a replacement
        return {}

    def draft(self, secrecy, **fields):
        login(self.portal, PERSONAS["specialist"])
        return create_outgoing(
            self.agency,
            "cntt",
            secrecy=secrecy,
            drafter=PERSONAS["specialist"],
            internal_recipients=[self.other.UID()],
            **fields,
        )

    def walk(self, document, target, returned=False):
        path = [
            ("review", "specialist", "submit_for_review"),
            ("signing", "unit_head", "submit_for_signature"),
            ("signed", "leader", "sign"),
            ("issued", "clerk", "issue"),
        ]
        if target == "draft":
            if returned:  # back from review, as a head of unit returns it
                self.act("specialist", document, "submit_for_review")
                self.act(
                    "unit_head", document, "return_for_revision", comment="Sửa lại"
                )
            return document
        for state, persona, transition in path:
            self.act(persona, document, transition)
            if state == target:
                return document
        if target == "recalled":
            self.act("leader", document, "recall", comment="Ban hành sai thẩm quyền")
            return document
        # replaced: the clerk issues a document that replaces it
        from z3c.relationfield import RelationValue
        from zope.component import getUtility
        from zope.intid.interfaces import IIntIds

        fix = self.draft(document.secrecy)
        fix.replaces = RelationValue(getUtility(IIntIds).getId(document))
        self.walk(fix, "issued")
        return document

    def test_matrix(self):
        variants = []
        for secrecy in SECRECY:
            for state, (policy, offered) in OUTGOING.items():
                document = self.walk(self.draft(secrecy), state)
                self.check(document, state, secrecy, policy, offered)
                variants.append((state, secrecy))
            # A draft the head of unit returned is a draft like any other.
            document = self.walk(self.draft(secrecy), "draft", returned=True)
            policy, offered = OUTGOING["draft"]
            self.check(document, "draft", secrecy, policy, offered)
            variants.append(("draft", secrecy))
        self.report(OUTGOING, variants)


class TestCalendarMatrix(MatrixCase):
    permissions = CALENDAR_PERMISSIONS
    ends = CALENDAR_ENDS
    workflow = "phutho_calendar_workflow"
    variants = tuple(">".join(path) for path in CALENDAR_PATHS)
    variants_label = "ways there"

    def setUp(self):
        super().setUp()
        self.calendar = self.agency[CALENDAR_ID]
        self.entries = {}  # week UID -> its appointment

    def variant_of(self, week):
        """The states ``week`` went through, from its history."""
        history = week.workflow_history[self.workflow]
        return ">".join(entry["review_state"] for entry in history)

    def capacities_of(self, persona, week):
        return calendar_capacities(persona)

    def cell_keys(self):
        return [
            *super().cell_keys(),
            *(f"entry_{key}" for key in ENTRY_PERMISSIONS),
            "entry_listed",
        ]

    def data_for(self, week, transition):
        return {}

    def check_more(self, week, state, variant, persona, has, policy):
        """The week's appointment: what the week allows, it allows."""
        entry = self.entries[week.UID()]
        security = getSecurityManager()
        for key in ENTRY_PERMISSIONS:
            expected = bool(has & policy.get(key, set()))
            with self.subTest(state=state, variant=variant, persona=persona, entry=key):
                allowed = security.checkPermission(self.permissions[key], entry)
                self.assertEqual(bool(allowed), expected)
            self.cells["entry", persona, f"entry_{key}"] += 1
            self.seen.add((state, variant, persona, f"entry_{key}"))
        with self.subTest(
            state=state, variant=variant, persona=persona, entry="listed"
        ):
            listed = bool(self.catalog(UID=entry.UID()))
            self.assertEqual(listed, bool(has & policy.get("view", set())))
        self.cells["entry", persona, "entry_listed"] += 1
        self.seen.add((state, variant, persona, "entry_listed"))

    def week(self):
        """A new week of the calendar with one appointment, written by
        the clerk as a clerk does."""
        self.counter += 1
        start = monday_of(today()) + timedelta(days=7 * (20 + self.counter))
        as_user(self.portal, "clerk")
        week = api.content.create(
            container=self.calendar,
            type="WorkWeek",
            id=week_id(start),
            week_start=start,
        )
        entry = api.content.create(
            container=week,
            type="CalendarEntry",
            title="Giao ban lãnh đạo Sở",
            day=start + timedelta(days=1),
            start_time="08:00",
            place="Phòng họp số 1",
        )
        self.entries[week.UID()] = entry
        return week

    def walk(self, path):
        """A week taken through ``path`` by the clerk."""
        week = self.week()
        for state in path[1:]:
            transition = "retract" if state == "draft" else f"publish_{state}"
            self.act("clerk", week, transition, comment="Chuyển bước")
        return week

    def test_matrix(self):
        variants = []
        for path in CALENDAR_PATHS:
            week = self.walk(path)
            state = path[-1]
            policy, offered = CALENDAR[state]
            self.check(week, state, ">".join(path), policy, offered)
            variants.append((state, ">".join(path)))
        self.report(CALENDAR, variants)


def way_there(obj, workflow):
    """The states ``obj`` went through, from its history."""
    return ">".join(entry["review_state"] for entry in obj.workflow_history[workflow])


class TestRegisterMatrix(MatrixCase):
    permissions = REGISTER_PERMISSIONS
    ends = REGISTER_ENDS
    workflow = "phutho_register_workflow"
    variants = tuple(
        f"{kind}:{'>'.join(path)}"
        for kind in ("ordinary", "secret")
        for path in REGISTER_PATHS
    )
    variants_label = "kinds and ways there"

    def variant_of(self, register):
        kind = "secret" if register.secret else "ordinary"
        return f"{kind}:{way_there(register, self.workflow)}"

    def capacities_of(self, persona, register):
        return register_capacities(persona, bool(register.secret))

    def data_for(self, register, transition):
        return {}

    def walk(self, secret, path):
        """A register the webmaster adds, then takes along ``path``."""
        self.counter += 1
        as_user(self.portal, "webmaster")
        register = api.content.create(
            container=self.agency,
            type="DocumentRegister",
            id=f"so-ma-tran-{self.counter}",
            title=f"Sổ kiểm tra {self.counter}",
            direction="incoming",
            secret=secret,
        )
        for state in path[1:]:
            transition = "close" if state == "closed" else "reopen"
            self.act("webmaster", register, transition, comment="Hết năm")
        return register

    def test_matrix(self):
        variants = []
        for secret in (False, True):
            for path in REGISTER_PATHS:
                register = self.walk(secret, path)
                policy, offered = REGISTER[path[-1]]
                variant = self.variant_of(register)
                self.check(register, path[-1], variant, policy, offered)
                variants.append((path[-1], variant))
        self.report(REGISTER, variants)


class TestCaseFileMatrix(MatrixCase):
    permissions = CASEFILE_PERMISSIONS
    ends = CASEFILE_ENDS
    workflow = "phutho_casefile_workflow"
    variants = tuple(
        f"{kind}:{'>'.join(path)}"
        for kind in ("kept", "shared")
        for path in CASEFILE_PATHS
    )
    variants_label = "sharings and ways there"

    def is_shared(self, casefile):
        return bool(casefile.readers or casefile.editors or casefile.reader_units)

    def variant_of(self, casefile):
        kind = "shared" if self.is_shared(casefile) else "kept"
        return f"{kind}:{way_there(casefile, self.workflow)}"

    def capacities_of(self, persona, casefile):
        return casefile_capacities(persona, self.is_shared(casefile))

    def data_for(self, casefile, transition):
        return {}

    def walk(self, shared, path):
        """A case file the specialist opens (shared or not), closes, and
        a clerk reopens."""
        self.counter += 1
        sharing = {}
        if shared:
            sharing = {
                "reader_units": [self.agency["bcvt"].UID()],
                "readers": [PERSONAS["other_unit"]],
                "editors": [PERSONAS[CASEFILE_EDITOR]],
            }
        as_user(self.portal, "specialist")
        casefile = add_document(
            self.agency,
            "CaseFile",
            title=f"Hồ sơ kiểm tra {self.counter}",
            file_code=f"2026.CNTT.{self.counter:02d}",
            retention="10",
            start_date=today(),
            **sharing,
        )
        for state in path[1:]:
            if state == "closed":
                self.act("specialist", casefile, "close", comment="Đã đủ văn bản")
            else:
                self.act("clerk", casefile, "reopen", comment="Bổ sung văn bản")
        return casefile

    def test_matrix(self):
        variants = []
        for shared in (False, True):
            for path in CASEFILE_PATHS:
                casefile = self.walk(shared, path)
                policy, offered = CASEFILE[path[-1]]
                variant = self.variant_of(casefile)
                self.check(casefile, path[-1], variant, policy, offered)
                variants.append((path[-1], variant))
        self.report(CASEFILE, variants)


class TestStructureMatrix(MatrixCase):
    permissions = STRUCTURE_PERMISSIONS
    ends = {}
    workflow = "phutho_structure_workflow"
    variants = ("Agency", "Unit", "WorkCalendar")
    variants_label = "types"

    def variant_of(self, obj):
        return obj.portal_type

    def capacities_of(self, persona, obj):
        found = {"everyone"}
        if persona == "webmaster":
            found.add("webmaster")
        return found

    def test_matrix(self):
        policy, offered = STRUCTURE["published"]
        variants = []
        for obj in (self.agency, self.agency["cntt"], self.agency[CALENDAR_ID]):
            self.check(obj, "published", obj.portal_type, policy, offered)
            variants.append(("published", obj.portal_type))
        self.report(STRUCTURE, variants)


# Plone's sharing page (``@@sharing``, and plone.restapi's ``@sharing``,
# which runs the same view) lets Owner and Editor hand out roles
# ("Sharing page: Delegate roles", Plone's default for Owner, Editor and
# Reviewer). The document workflows do not manage it.
SHARING_CASES = (
    # (what, who shares)
    ("secret outgoing draft", "specialist"),  # its drafter: Owner
    ("secret incoming document", "clerk"),  # who received it: Owner
    ("shared case file", CASEFILE_EDITOR),  # may add documents: Editor
    ("shared case file", "specialist"),  # its keeper: Owner
)
# What someone of another agency must not get on them that way.
OUTSIDER_PERMISSIONS = (
    "View",
    "Access contents information",
    "Modify portal content",
    "List folder contents",
    "CMFEditions: Access previous versions",
    "Sharing page: Delegate roles",
)


class TestSharingPage(MatrixCase):
    """Roles handed out on the sharing page would bypass the workflows.

    The drafter of a secret document, the clerk who received one, and
    whoever a case file's keeper lets add documents (Editor) held "Sharing
    page: Delegate roles" (Plone's default, from the Zope root): they gave
    another agency's official Editor and Contributor, which opened the
    secret draft's history, sharing page and folder contents, and a case
    file to reading and editing. Since 1011 only webmasters (Manager, Site
    Administrator) delegate roles: each persona below is refused the page
    and the outsider gets nothing.
    """

    permissions = {}

    def secret_outgoing(self):
        as_user(self.portal, "specialist")
        return create_outgoing(
            self.agency,
            "cntt",
            secrecy="secret",
            drafter=PERSONAS["specialist"],
            internal_recipients=[self.other.UID()],
        )

    def secret_incoming(self):
        as_user(self.portal, "clerk")
        return create_incoming(self.agency, secrecy="top_secret", number_symbol="1/X")

    def shared_casefile(self):
        as_user(self.portal, "specialist")
        return add_document(
            self.agency,
            "CaseFile",
            title="Hồ sơ chia sẻ",
            file_code="2026.CNTT.99",
            retention="10",
            start_date=today(),
            editors=[PERSONAS[CASEFILE_EDITOR]],
        )

    def fresh(self, obj):
        """borg.localrole caches roles on the request, which outlives the
        changes here."""
        annotations = IAnnotations(obj.REQUEST)
        for key in [k for k in annotations if str(k).startswith("borg.localrole")]:
            del annotations[key]

    def share(self, obj, persona, outsider):
        """``persona`` gives ``outsider`` every role the page offers them,
        as the page's form and ``@sharing`` do."""
        as_user(self.portal, persona)
        self.fresh(obj)
        try:
            view = obj.restrictedTraverse("@@sharing")
        except Unauthorized:
            return
        roles = [role["id"] for role in view.roles()]
        entry = {"id": PERSONAS[outsider], "type": "user", "roles": roles}
        if view.update_role_settings([entry], reindex=False):
            obj.reindexObjectSecurity()
            notify(LocalrolesModifiedEvent(obj, obj.REQUEST))

    def test_only_webmasters_delegate_roles(self):
        make = {
            "secret outgoing draft": self.secret_outgoing,
            "secret incoming document": self.secret_incoming,
            "shared case file": self.shared_casefile,
        }
        for what, persona in SHARING_CASES:
            obj = make[what]()
            self.share(obj, persona, "other_official")
            self.fresh(obj)
            for permission in OUTSIDER_PERMISSIONS:
                with self.subTest(what=what, shared_by=persona, permission=permission):
                    self.assertFalse(
                        api.user.has_permission(
                            permission, username=PERSONAS["other_official"], obj=obj
                        )
                    )
