"""Document exchange inside the portal: the official samples imported into
agencies field by field, update, revocation and replacement acting on the
earlier document, status messages updating the sender's log, export then
import of an issued document compared field by field, and redelivery."""

from datetime import date
from datetime import datetime
from pathlib import Path
from phutho.intranet.exchange import api as exchange
from phutho.intranet.exchange import model
from phutho.intranet.exchange.errors import EdXMLError
from phutho.intranet.exchange.errors import NotAddressed
from phutho.intranet.exchange.errors import UnknownDocument
from phutho.intranet.exchange.outbox import items as outbox_items
from phutho.intranet.exchange.reader import read_message
from phutho.intranet.exchange.store import exchange_of
from phutho.intranet.exchange.writer import write_message
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import OUTGOING_TO_ISSUED
from phutho.intranet.testing import PHUTHO_DEMO_INTEGRATION_TESTING
from phutho.intranet.testing import run_transitions
from phutho.intranet.workflow.api import do_transition
from phutho.intranet.workflow.delivery import delivery_status
from phutho.intranet.workflow.history import history_of
from plone import api
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME

import base64
import io
import re
import unittest
import zipfile

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "edxml-samples"
DOC_ID = "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
OLD_ID = "000.00.00.G22,2014/01/30,7806/VPCP-TTĐT"


def sample(name):
    return (SAMPLES / name).read_bytes()


def load_corpus():
    """scripts/edxml_corpus.py (a script, not a module of the package)."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "scripts" / "edxml_corpus.py"
    spec = importlib.util.spec_from_file_location("edxml_corpus", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def inner_file(name):
    text = sample(name).decode("utf-8")
    encoded = re.search(r"ContentTransferEncoded[^>]*>([^<]*)<", text).group(1)
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(encoded)))
    return archive.read(archive.infolist()[0])


def add_agency(portal, agency_id, title, organ_id, **fields):
    return api.content.create(
        container=portal["co-quan"],
        type="Agency",
        id=agency_id,
        title=title,
        short_name=agency_id.upper().replace("-", ""),
        organ_id=organ_id,
        **fields,
    )


def validation_errors(document):
    """What the edit form or a PATCH would refuse in the fields the import
    sets (schema and behaviors), and the invariants."""
    from phutho.intranet.exchange.mapping import FIELD_ELEMENTS
    from plone.dexterity.utils import iterSchemata
    from zope.schema import getValidationErrors

    imported = set(FIELD_ELEMENTS) | {"arrival_date", "channel", "secrecy"}
    errors = []
    for schema in iterSchemata(document):
        errors += [
            (name, error)
            for name, error in getValidationErrors(schema, document)
            if name in imported  # invariants come as (None, Invalid)
        ]
        try:
            schema.validateInvariants(document)
        except Exception as error:  # noqa: B902 -- reported, not raised
            errors.append((None, error))
    return errors


def incoming_count(agency_obj):
    catalog = api.portal.get_tool("portal_catalog")
    return len(
        catalog.unrestrictedSearchResults(
            portal_type="IncomingDocument",
            path="/".join(agency_obj.getPhysicalPath()),
        )
    )


class ExchangeCase(unittest.TestCase):
    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.hoa_son = add_agency(
            self.portal, "hoa-son", "UBND xã Hòa Sơn", "28.22.H17"
        )
        self.nghe_an = add_agency(
            self.portal, "nghe-an", "UBND Tỉnh Nghệ An", "000.00.00.H41"
        )
        self.vpcp = add_agency(
            self.portal, "vpcp", "Văn phòng Chính phủ", "000.00.00.G22"
        )


class TestSamplesImported(ExchangeCase):
    def test_new_creates_a_received_document(self):
        document, created = exchange.import_message(
            self.hoa_son, sample("edoc_new.edxml")
        )
        self.assertTrue(created)
        self.assertEqual(api.content.get_state(document), "received")
        self.assertEqual(document.channel, "exchange")
        self.assertEqual(
            document.title, "V/v kết nối, liên thông phần mềm quản lý văn bản"
        )
        self.assertEqual(document.content, document.title)
        self.assertEqual(document.document_type, "cong-van")
        self.assertEqual(document.urgency, "normal")
        self.assertEqual(document.number_symbol, "74fass22/VPCP-TTĐT")
        self.assertEqual(document.document_date, date(2019, 1, 16))
        self.assertEqual(document.document_id, DOC_ID)
        self.assertEqual(document.sender_organ_id, "002.00.20.H13")
        self.assertEqual(
            document.sender_name,
            "UBND xã Hòa Tiến - UBND huyện Hòa Vang - Thành phố Đà Nẵng",
        )
        self.assertEqual(
            document.sender_organization_in_charge,
            "UBND xã Hòa Tiến - UBND huyện Hòa Vang - Thành phố Đà Nẵng",
        )
        self.assertEqual(
            document.sender_address, "Số 1 Hoàng Hoa Thám, Quận Ba Đình, Hà Nội"
        )
        self.assertEqual(document.sender_email, "vpcp@gov.vn")
        self.assertEqual(document.sender_phone, "8043100")
        self.assertEqual(document.sender_fax, "048989898789")
        self.assertEqual(document.sender_website, "vpcp.vn")
        self.assertEqual(document.promulgation_place, "Hà Nội")
        self.assertEqual((document.type_code, document.type_detail), (1, 0))
        self.assertEqual(document.signer_competence, "TL. BO TRUONG")
        self.assertEqual(document.signer_authority, "TL.")
        self.assertEqual(
            document.signer_position, "Cuc truong cuc ung dung cong nghe thong tin"
        )
        self.assertEqual(document.signer_name, "Nguyen Thanh Phuc")
        self.assertEqual(document.due_date, date(2018, 9, 28))
        # Already past: not made the processing deadline.
        self.assertIsNone(document.processing_deadline)
        self.assertEqual(document.sphere_of_promulgation, "Liên thông văn bản quốc gia")
        self.assertEqual(document.typer_notation, "TVC")
        self.assertEqual(document.promulgation_amount, 2)
        self.assertEqual(document.page_count, 22)
        self.assertIs(document.direction, False)
        self.assertEqual(document.steering_type, 1)
        self.assertEqual(
            document.appendixes,
            ["Công văn về việc kết nối, liên thông phần mềm quản lý văn bản"],
        )
        self.assertEqual(
            document.recipients,
            ["Cac bo va co quan ngang bo", "Uy ban nhan dan cac tinh, TP"],
        )
        self.assertEqual(document.sender_staff, "Nguyễn Thị Ngọc Trâm")
        self.assertEqual(document.sender_staff_department, "Văn thư văn phòng")
        self.assertEqual(document.sender_staff_email, "vanthuvanphong@gov.vn")
        self.assertEqual(document.sender_staff_mobile, "84912000001")
        self.assertEqual(document.response_for, [])
        # The zipped attachment, unzipped, is the main file.
        self.assertEqual(document.main_file.filename, "1896_QD-TTg_m_294779.doc")
        self.assertEqual(document.main_file.data, inner_file("edoc_new.edxml"))
        self.assertEqual(document.main_file.contentType, "application/msword")
        (record,) = document.exchange_attachments
        self.assertEqual(
            (record["content_id"], record["content_type"], record["role"]),
            ("cid:209", "application/zip", "main"),
        )
        self.assertTrue(record["zipped"])
        # The sample's signature is kept but cannot be valid.
        self.assertEqual(document.signature_status, "invalid")
        self.assertIn("XML-DSig namespace", document.signature_reason)
        self.assertIn(
            b"<X509Certificate>MIIFqTCCBJG</X509Certificate>",
            document.original_message.data,
        )
        self.assertEqual(history_of(document)[-1]["action"], "received_exchange")
        self.assertEqual(validation_errors(document), [])
        # 01 goes back to the sender (held: no transport reaches it here).
        (item,) = outbox_items(self.hoa_son)
        self.assertEqual(item.kind, "status")
        self.assertEqual(read_message(item.data()).status_code, "01")
        self.assertEqual(read_message(item.data()).response_for.document_id, DOC_ID)

    def test_redelivery_creates_nothing(self):
        first, created = exchange.import_message(self.hoa_son, sample("edoc_new.edxml"))
        self.assertTrue(created)
        again, created = exchange.import_message(self.hoa_son, sample("edoc_new.edxml"))
        self.assertFalse(created)
        self.assertEqual(again.UID(), first.UID())
        # Different bytes, same sender and DocumentId: still the same one.
        other = sample("edoc_new.edxml").replace(b">TVC<", b">XYZ<")
        third, created = exchange.import_message(self.hoa_son, other)
        self.assertFalse(created)
        self.assertEqual(third.UID(), first.UID())
        self.assertEqual(incoming_count(self.hoa_son), 1)

    def test_not_addressed_here(self):
        before = incoming_count(self.nghe_an)
        with self.assertRaises(NotAddressed) as caught:
            exchange.import_message(self.nghe_an, sample("edoc_new.edxml"))
        self.assertEqual(caught.exception.element, "MessageHeader/To")
        self.assertEqual(incoming_count(self.nghe_an), before)

    def precursor(self):
        """The document the replacement sample replaces, as its sender
        would have sent it to Nghệ An."""
        message = read_message(sample("edoc_update.edxml"))
        message.document_id = OLD_ID
        message.code_number = "7806"
        message.business = model.Business(doc_type=model.NEW)
        message.signature = None
        document, created = exchange.import_message(
            self.nghe_an, write_message(message)
        )
        self.assertTrue(created)
        return document

    def test_replacement_update_revocation(self):
        old = self.precursor()
        with self.assertRaises(UnknownDocument):
            exchange.import_message(
                self.hoa_son,
                sample("edoc_new.edxml").replace(
                    b"<edXML:BussinessDocType>0<", b"<edXML:BussinessDocType>2<"
                ),
            )
        new, created = exchange.import_message(
            self.nghe_an, sample("edoc_replacement.edxml")
        )
        self.assertTrue(created)
        self.assertEqual(new.document_id, DOC_ID)
        self.assertEqual(new.number_symbol, "7816/VPCP-TTĐT")
        self.assertEqual(validation_errors(new), [])
        self.assertEqual(old.replaced_by, "7816/VPCP-TTĐT")
        self.assertEqual(history_of(old)[-1]["action"], "replaced")
        self.assertEqual(history_of(old)[-1]["source"], new.UID())
        self.assertEqual([r.to_object for r in new.related_documents], [old])

        new.signer_position = "Changed here"
        updated, created = exchange.import_message(
            self.nghe_an, sample("edoc_update.edxml")
        )
        self.assertFalse(created)
        self.assertEqual(updated.UID(), new.UID())
        self.assertEqual(
            new.signer_position, "Cuc truong cuc ung dung cong nghe thong tin"
        )
        entry = history_of(new)[-1]
        self.assertEqual(entry["action"], "updated_by_sender")
        self.assertEqual(entry["comment"], "Cập nhật văn bản điện tử")
        self.assertEqual(entry["changes"]["signer_position"]["old"], "Changed here")
        self.assertEqual(validation_errors(new), [])

        revoked, created = exchange.import_message(
            self.nghe_an, sample("edoc_revocation.edxml")
        )
        self.assertFalse(created)
        self.assertEqual(revoked.recall, "requested")
        self.assertEqual(history_of(new)[-1]["action"], "recall_requested")
        self.assertEqual(history_of(new)[-1]["comment"], "Thu hồi văn bản điện tử")
        # The clerk agrees: 15 goes back to the sender.
        do_transition(new, "accept_recall")
        codes = [read_message(i.data()).status_code for i in outbox_items(self.nghe_an)]
        self.assertIn("15", codes)
        self.assertEqual(incoming_count(self.nghe_an), 2)

    def test_replacement_of_unknown_document(self):
        before = incoming_count(self.nghe_an)
        with self.assertRaises(UnknownDocument) as caught:
            exchange.import_message(self.nghe_an, sample("edoc_replacement.edxml"))
        self.assertIn("ReplacementInfo[1]/DocumentId", caught.exception.element)
        self.assertEqual(incoming_count(self.nghe_an), before)

    def test_cancellation_13_asks_for_the_document_back(self):
        self.precursor()
        new, created = exchange.import_message(
            self.nghe_an, sample("edoc_replacement.edxml")
        )
        document, created = exchange.import_message(
            self.nghe_an, sample("status_cancellation_13.edxml")
        )
        self.assertFalse(created)
        self.assertEqual(document.UID(), new.UID())
        self.assertEqual(new.recall, "requested")


class TestStatusMessages(ExchangeCase):
    """The status samples answer VPCP's 7816/VPCP-TTĐT, sent to Nghệ An."""

    def issued_at_vpcp(self):
        unit = api.content.create(
            container=self.vpcp,
            type="Unit",
            id="ttdt",
            title="Cục TTĐT",
            short_name="TTĐT",
        )
        document = create_outgoing(
            self.vpcp,
            unit.getId(),
            external_recipients=["UBND Tỉnh Nghệ An | 000.00.00.H41 |"],
        )
        document.symbol = "7816/VPCP-TTĐT"
        document.issued_date = date(2015, 9, 30)
        document.document_id = DOC_ID
        exchange_of(self.vpcp).issued[DOC_ID] = document.UID()
        return document

    def test_every_status_sample_updates_the_log(self):
        document = self.issued_at_vpcp()
        for name, code in (
            ("status_inbox_01.edxml", "01"),
            ("status_acceptance_03.edxml", "03"),
            ("status_assignment_04.edxml", "04"),
            ("status_processing_05.edxml", "05"),
            ("status_finish_06.edxml", "06"),
            ("status_rejection_02.edxml", "02"),
            ("status_change-acceptance_15.edxml", "15"),
            ("status_change-rejection_16.edxml", "16"),
        ):
            with self.subTest(name):
                answered, created = exchange.import_message(self.vpcp, sample(name))
                self.assertFalse(created)
                self.assertEqual(answered.UID(), document.UID())
                (row,) = delivery_status(document, external=True)
                self.assertEqual(row["organ_id"], "000.00.00.H41")
                self.assertEqual(row["agency_title"], "UBND Tỉnh Nghệ An")
                last = row["log"][-1]
                self.assertEqual(last["code"], code)
                self.assertEqual(last["time"], "2015-09-20T11:08:36+07:00")
                self.assertEqual(last["staff"], "Nguyen thi ngoc tram")
                self.assertEqual(
                    last["description"], read_message(sample(name)).description
                )
        (row,) = delivery_status(document, external=True)
        self.assertEqual(row["status_code"], "02")
        self.assertEqual(row["recall_code"], "16")
        self.assertEqual(len(row["log"]), 8)

    def test_status_for_unknown_document(self):
        with self.assertRaises(UnknownDocument) as caught:
            exchange.import_message(self.vpcp, sample("status_acceptance_03.edxml"))
        self.assertEqual(
            caught.exception.element, "MessageHeader/ResponseFor/DocumentId"
        )
        with self.assertRaises(NotAddressed):
            exchange.import_message(self.nghe_an, sample("status_acceptance_03.edxml"))


class TestRoundTrip(unittest.TestCase):
    """A document issued by Sở KH&CN to Sở Nội vụ as an outside recipient:
    its message, imported, gives the same fields and files."""

    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def test_export_then_import(self):
        portal = self.layer["portal"]
        a, b = agency(portal, "so-khcn"), agency(portal, "so-noi-vu")
        setRoles(portal, TEST_USER_ID, ["Manager"])
        a.place = "Phú Thọ"
        a.organization_in_charge = "UBND tỉnh Phú Thọ"
        a.fax = "0210 3811 337"
        login(portal, "chuyenvien.sokhcn")
        document = create_outgoing(
            a,
            "cntt",
            title="Về việc kết nối liên thông văn bản điện tử",
            content="Sở Khoa học và Công nghệ đề nghị...",
            urgency="very_urgent",
            signer_authority="KT.",
            signer_position="Phó Giám đốc",
            page_count=3,
            copies=4,
            reply_deadline=date(2099, 12, 31),
            external_recipients=[f"Sở Nội vụ | {b.organ_id} |"],
        )
        document.signer_competence = "KT. GIÁM ĐỐC"
        document.sphere_of_promulgation = "Trong tỉnh"
        document.typer_notation = "LTH"
        document.steering_type = 1
        document.direction = True
        from plone.namedfile.file import NamedBlobFile

        document.draft_file = NamedBlobFile(
            data=b"%PDF-1.4 main",
            filename="cv-lien-thong.pdf",
            contentType="application/pdf",
        )
        api.content.create(
            container=document,
            type="Annex",
            id="phu-luc-1",
            title="Phụ lục 1: danh sách",
            file=NamedBlobFile(data=b"annex bytes", filename="phu-luc-1.odt"),
        )
        run_transitions(portal, document, OUTGOING_TO_ISSUED)
        setRoles(portal, TEST_USER_ID, ["Manager"])
        login(portal, "vanthu.snv")
        data = exchange.export_message(document)
        received, created = exchange.import_message(b, data)
        self.assertTrue(created)
        expected = {
            "title": document.title,
            "content": document.content,
            "urgency": "very_urgent",
            "document_type": document.document_type,
            "signer_authority": "KT.",
            "signer_competence": "KT. GIÁM ĐỐC",
            "signer_position": "Phó Giám đốc",
            "signer_name": document.signer_name,
            "page_count": 3,
            "promulgation_amount": 4,
            "number_symbol": document.symbol,
            "document_date": document.issued_date,
            "sender_name": a.title,
            "sender_organ_id": a.organ_id,
            "sender_organization_in_charge": "UBND tỉnh Phú Thọ",
            "sender_address": a.address,
            "sender_email": a.email,
            "sender_phone": a.phone,
            "sender_fax": "0210 3811 337",
            "sender_website": a.website,
            "promulgation_place": "Phú Thọ",
            "due_date": date(2099, 12, 31),
            "processing_deadline": date(2099, 12, 31),
            "document_id": document.document_id,
            "sphere_of_promulgation": "Trong tỉnh",
            "typer_notation": "LTH",
            "steering_type": 1,
            "direction": True,
            "appendixes": ["Phụ lục 1: danh sách"],
            "recipients": ["Sở Nội vụ"],
            "channel": "exchange",
        }
        for name, value in expected.items():
            with self.subTest(name):
                self.assertEqual(getattr(received, name), value)
        self.assertEqual(received.sender_staff, "Trịnh Thị Thu")
        self.assertEqual(received.main_file.data, b"%PDF-1.4 main")
        self.assertEqual(received.main_file.filename, "cv-lien-thong.pdf")
        (annex,) = [o for o in received.objectValues() if o.portal_type == "Annex"]
        self.assertEqual(annex.title, "Phụ lục 1: danh sách")
        self.assertEqual(annex.file.data, b"annex bytes")
        self.assertEqual(annex.file.filename, "phu-luc-1.odt")
        self.assertEqual(received.signature_status, "unsigned")
        self.assertEqual(validation_errors(received), [])

    def test_not_issued_has_no_document_id(self):
        portal = self.layer["portal"]
        login(portal, "chuyenvien.sokhcn")
        document = create_outgoing(agency(portal, "so-khcn"), "cntt")
        with self.assertRaises(ValueError):
            exchange.ensure_document_id(document)


class TestRefusedImports(ExchangeCase):
    def test_refusal_names_the_element(self):
        broken = sample("edoc_new.edxml").replace(b"2019/01/16", b"2019/13/16")
        with self.assertRaises(EdXMLError) as caught:
            exchange.import_message(self.hoa_son, broken)
        self.assertEqual(
            caught.exception.element, "MessageHeader/PromulgationInfo/PromulgationDate"
        )
        self.assertEqual(incoming_count(self.hoa_son), 0)

    def test_what_a_document_cannot_hold(self):
        """Messages the reader accepts but whose values no document could
        keep valid are refused, naming the element; what edXML allows
        beyond plain numbers imports and stays valid."""
        corpus = load_corpus()
        organ_id = self.hoa_son.organ_id
        expected = {
            "code-missing": "MessageHeader/Code",
            "number-only": "MessageHeader/Code",
            "notation-only-with-spaces": "MessageHeader/Code",
            "number-not-a-number": "MessageHeader/Code",
            "promulgation-date-future": "MessageHeader/PromulgationInfo/"
            "PromulgationDate",
            "promulgation-date-before-1945": "MessageHeader/PromulgationInfo/"
            "PromulgationDate",
            "subject-direction-override": "MessageHeader/Subject",
            "page-amount-huge": "MessageHeader/OtherInfo/PageAmount",
        }
        messages = dict(corpus.corpus(organ_id))
        for name, element in expected.items():
            with self.subTest(name):
                with self.assertRaises(EdXMLError) as caught:
                    exchange.import_message(self.hoa_son, messages[name])
                self.assertEqual(caught.exception.element, element)
        self.assertEqual(incoming_count(self.hoa_son), 0)
        for number, number_symbol in (
            ("74fass22", "74fass22/VPCP-KSTT"),
            ("015a", "015a/VPCP-KSTT"),
            (None, "VPCP-KSTT"),
        ):
            with self.subTest(number_symbol):
                document, created = exchange.import_message(
                    self.hoa_son,
                    corpus.document(
                        organ_id,
                        CodeNumber=number,
                        DocumentId=f"000.00.00.G22,2026/11/20,{number_symbol}",
                        Subject="Về việc\n   thử nghiệm\tliên thông",
                    ),
                )
                self.assertTrue(created)
                self.assertEqual(document.number_symbol, number_symbol)
                self.assertEqual(document.code_number, number)
                self.assertEqual(document.code_notation, "VPCP-KSTT")
                # A one-line field keeps one line.
                self.assertEqual(document.title, "Về việc thử nghiệm liên thông")
                self.assertEqual(validation_errors(document), [])

    def test_organ_id_as_data(self):
        from phutho.intranet.content.validators import InvalidOrganId
        from phutho.intranet.content.validators import organ_id_constraint

        for good in ("28.22.H17", "000.00.00.G22", "000.00.04.G14"):
            self.assertTrue(organ_id_constraint(good))
        for bad in ("G22", "SYT-01", "000 00 00 G22", "a..b"):
            with self.assertRaises(InvalidOrganId):
                organ_id_constraint(bad)

    def test_sample_timestamp(self):
        message = read_message(sample("status_acceptance_03.edxml"))
        self.assertEqual(message.timestamp, datetime(2015, 9, 20, 11, 8, 36))


class TestUpgrade1003(unittest.TestCase):
    """1002 -> 1003 on a site as it was before the exchange: no metadata
    behaviors, no exchange settings, issued documents without a DocumentId,
    internal deliveries without a sender's log."""

    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    BEHAVIORS = {
        "IncomingDocument": (
            "phutho.intranet.electronic_metadata",
            "phutho.intranet.incoming_metadata",
        ),
        "OutgoingDocument": ("phutho.intranet.electronic_metadata",),
        "Agency": ("phutho.intranet.agency_exchange",),
    }

    def issued_and_delivered(self):
        """An issued document delivered to Sở Nội vụ, whose clerk has
        registered it, with what 1003 adds taken away."""
        from phutho.intranet.workflow.delivery import deliveries_of

        portal = self.layer["portal"]
        sokhcn, snv = agency(portal, "so-khcn"), agency(portal, "so-noi-vu")
        login(portal, "chuyenvien.sokhcn")
        document = create_outgoing(sokhcn, "cntt", internal_recipients=[snv.UID()])
        run_transitions(portal, document, OUTGOING_TO_ISSUED)
        (copy_uid,) = deliveries_of(document).values()
        login(portal, "vanthu.snv")
        copy = api.content.get(UID=copy_uid)
        do_transition(copy, "register")
        setRoles(portal, TEST_USER_ID, ["Manager"])
        login(portal, TEST_USER_NAME)
        base = document.aq_base
        del base.document_id
        del base._delivery_log
        exchange_of(sokhcn).issued.clear()
        return document, copy, snv

    def test_upgrade(self):
        portal = self.layer["portal"]
        setup = api.portal.get_tool("portal_setup")
        registry = api.portal.get_tool("portal_registry")
        document, copy, snv = self.issued_and_delivered()
        types = api.portal.get_tool("portal_types")
        for portal_type, behaviors in self.BEHAVIORS.items():
            fti = types[portal_type]
            fti.behaviors = tuple(b for b in fti.behaviors if b not in behaviors)
        for name in list(registry.records.keys()):
            if name.startswith("phutho.intranet.exchange."):
                del registry.records[name]

        setup.setLastVersionForProfile("phutho.intranet:default", "1002")
        setup.upgradeProfile("phutho.intranet:default", dest="1003")
        self.assertEqual(
            setup.getLastVersionForProfile("phutho.intranet:default"), ("1003",)
        )
        for portal_type, behaviors in self.BEHAVIORS.items():
            for behavior in behaviors:
                self.assertIn(behavior, types[portal_type].behaviors)
        self.assertIn("phutho.intranet.exchange.directory", registry.records)
        self.assertIn("phutho.intranet.exchange.signing_pkcs12", registry.records)
        # The DocumentId, and status messages answering it find the document.
        agency_obj = agency(portal, "so-khcn")
        self.assertEqual(
            document.document_id,
            f"{agency_obj.organ_id},{document.issued_date:%Y/%m/%d},{document.symbol}",
        )
        self.assertEqual(
            exchange_of(agency_obj).issued[document.document_id], document.UID()
        )
        # The log starts from the copy's state: registered, 03.
        (row,) = delivery_status(document)
        self.assertEqual(row["agency"], snv.UID())
        self.assertEqual(row["document"], copy.UID())
        self.assertEqual(row["status_code"], "03")
        self.assertEqual(row["transport"], "internal")
        self.assertEqual(len(row["log"]), 1)

        # Run again: nothing doubles.
        setup.setLastVersionForProfile("phutho.intranet:default", "1002")
        setup.upgradeProfile("phutho.intranet:default", dest="1003")
        (row,) = delivery_status(document)
        self.assertEqual(len(row["log"]), 1)
        self.assertEqual(len(exchange_of(agency_obj).issued), 1)


class TestConnectorDefect(unittest.TestCase):
    """A connector that breaks does not refuse the issue: the message waits
    in the outbox as failed, and the log says so."""

    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def test_issue_survives_a_broken_connector(self):
        from phutho.intranet.exchange.interfaces import IConnector
        from zope.component import getGlobalSiteManager
        from zope.interface import implementer

        @implementer(IConnector)
        class Broken:
            name, title, priority = "broken", "Broken", 99

            def accepts(self, agency, recipient):
                return True

            def send(self, agency, recipient, item):
                raise RuntimeError("platform down")

        registry = getGlobalSiteManager()
        broken = Broken()
        registry.registerUtility(broken, IConnector, name="broken")
        self.addCleanup(registry.unregisterUtility, broken, IConnector, "broken")
        portal = self.layer["portal"]
        login(portal, "chuyenvien.sokhcn")
        document = create_outgoing(
            agency(portal, "so-khcn"),
            "cntt",
            external_recipients=["Văn phòng Chính phủ | 000.00.00.G22 |"],
        )
        run_transitions(portal, document, OUTGOING_TO_ISSUED)
        self.assertEqual(api.content.get_state(document), "issued")
        (item,) = outbox_items(agency(portal, "so-khcn"))
        self.assertEqual(item.status, "failed")
        self.assertIn("platform down", item.error)
        (row,) = delivery_status(document, external=True)
        self.assertEqual(row["log"][-1]["event"], "failed")
