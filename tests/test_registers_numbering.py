"""Numbers and symbols of Appendix I: a register limited to some types
numbers them exclusively; copies (sao y SY, trích sao TrS, sao lục SL)
share one series of their own and name their original; a công văn's
symbol may carry a field (lĩnh vực) chosen at issue."""

from phutho.intranet.exc import InvalidDataError
from phutho.intranet.numbering.api import last_number
from phutho.intranet.numbering.registers import suitable_registers
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import OUTGOING_TO_SIGNED
from phutho.intranet.testing import PHUTHO_DEMO_INTEGRATION_TESTING
from phutho.intranet.workflow.api import do_transition
from plone import api
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.intid.interfaces import IIntIds

import unittest

COPY_TYPES = ["ban-sao-y", "ban-trich-sao", "ban-sao-luc"]


class NumberingCase(unittest.TestCase):
    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")
        self.recipient = agency(self.portal, "so-noi-vu").UID()

    def add_register(self, id, title, types):
        with api.env.adopt_roles(["Manager"]):
            return api.content.create(
                container=self.agency,
                type="DocumentRegister",
                id=id,
                title=title,
                direction="outgoing",
                document_types=types,
            )

    def signed(self, **fields):
        fields.setdefault("internal_recipients", [self.recipient])
        with api.env.adopt_user(username="chuyenvien.sokhcn"):
            document = create_outgoing(self.agency, "cntt", **fields)
        for user_id, transition in OUTGOING_TO_SIGNED:
            with api.env.adopt_user(username=user_id):
                do_transition(document, transition)
        return document

    def issue(self, document, **data):
        with api.env.adopt_user(username="vanthu.sokhcn"):
            do_transition(document, "issue", data=data)
        return document.symbol


class TestExclusiveRegisters(NumberingCase):
    def test_typed_register_numbers_its_types_only_there(self):
        typed = self.add_register("so-quyet-dinh", "Sổ quyết định", ["quyet-dinh"])
        general = self.agency["so-di"]
        decision = self.signed(document_type="quyet-dinh")
        self.assertEqual(
            [r.getId() for r in suitable_registers(decision, "outgoing")],
            ["so-quyet-dinh"],
        )
        general_before = last_number(general)
        with self.assertRaises(InvalidDataError) as refused:
            self.issue(decision, register=general.UID())
        self.assertEqual(refused.exception.field, "register")
        self.assertIsNone(decision.number)
        self.assertEqual(self.issue(decision), "01/QĐ-SKHCN")
        self.assertEqual(last_number(typed), 1)
        self.assertEqual(last_number(general), general_before)
        # Other types stay in the general register.
        letter = self.signed()
        self.issue(letter)
        self.assertEqual(letter.register, general.UID())
        # A closed typed register claims nothing.
        with api.env.adopt_roles(["Manager"]):
            api.content.transition(typed, transition="close")
        second = self.signed(document_type="quyet-dinh")
        self.issue(second, register=general.UID())
        self.assertEqual(second.register, general.UID())


class TestCopies(NumberingCase):
    def original(self, number=88):
        with api.env.adopt_user(username="vanthu.sokhcn"):
            document = create_incoming(self.agency, number_symbol=f"{number}/QĐ-UBND")
            do_transition(document, "register")
        return RelationValue(getUtility(IIntIds).getId(document))

    def test_copies_share_their_own_series(self):
        copy = self.signed(document_type="ban-sao-y", copy_of=self.original())
        with self.assertRaises(InvalidDataError) as refused:
            self.issue(copy, register=self.agency["so-di"].UID())
        self.assertIn("register", refused.exception.field)
        # The demo's copies register (sổ bản sao) numbers them.
        self.assertEqual(set(self.agency["so-ban-sao"].document_types), set(COPY_TYPES))
        self.assertEqual(self.issue(copy), "01/SY-SKHCN")
        extract = self.signed(document_type="ban-trich-sao", copy_of=self.original(89))
        self.assertEqual(self.issue(extract), "02/TrS-SKHCN")
        orphan = self.signed(document_type="ban-sao-luc")
        with self.assertRaises(InvalidDataError) as refused:
            self.issue(orphan)
        self.assertEqual(refused.exception.field, "copy_of")
        self.assertIsNone(orphan.number)

    def test_received_copies_are_registered_as_any_document(self):
        with api.env.adopt_user(username="vanthu.sokhcn"):
            received = create_incoming(
                self.agency, document_type="ban-sao-y", number_symbol="12/SY-VP"
            )
            do_transition(received, "register")
        self.assertTrue(received.arrival_number)


class TestFieldInSymbol(NumberingCase):
    def test_field_chosen_at_issue(self):
        self.agency.fields_of_work = ["VX | Văn hóa - Xã hội", "KT | Kinh tế"]
        letter = self.signed()
        with self.assertRaises(InvalidDataError) as refused:
            self.issue(letter, field="NN")
        self.assertEqual(refused.exception.field, "field")
        symbol = self.issue(letter, field="VX")
        self.assertTrue(symbol.endswith("/SKHCN-VX"), symbol)
        self.assertEqual(letter.symbol_field, "VX")
        plain = self.signed()
        self.assertTrue(self.issue(plain).endswith("/SKHCN-CNTT"))
        # A typed document keeps its type in the symbol.
        decision = self.signed(document_type="quyet-dinh")
        self.assertIn("/QĐ-SKHCN", self.issue(decision, field="KT"))
