"""The edXML wire format alone: every official sample read field by field,
written back and read again, and the reader's refusals (no Plone needed)."""

from datetime import date
from datetime import datetime
from io import BytesIO
from pathlib import Path
from phutho.intranet.exchange import model
from phutho.intranet.exchange.errors import EdXMLError
from phutho.intranet.exchange.errors import MessageTooLarge
from phutho.intranet.exchange.limits import Limits
from phutho.intranet.exchange.reader import read_message
from phutho.intranet.exchange.writer import write_message

import base64
import re
import unittest
import zipfile

# shared/ lies beside the clone (the work tree here, a fresh clone in CI).
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "edxml-samples"

VPCP = "000.00.00.G22"
NGHE_AN = "000.00.00.H41"
DOC_ID = "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
NS = model.NAMESPACE


def sample(name):
    return (SAMPLES / name).read_bytes()


def inner_file(name):
    """The file inside a sample's zipped attachment, read independently of
    the reader (base64 then zip)."""
    text = sample(name).decode("utf-8")
    encoded = re.search(r"ContentTransferEncoded[^>]*>([^<]*)<", text).group(1)
    archive = zipfile.ZipFile(BytesIO(base64.b64decode(encoded)))
    (member,) = archive.infolist()
    return archive.read(member)


class TestSamples(unittest.TestCase):
    def test_all_samples_are_read(self):
        names = sorted(p.name for p in SAMPLES.glob("*.edxml"))
        self.assertEqual(len(names), 13)
        kinds = {n: read_message(sample(n)).kind for n in names}
        self.assertEqual(
            {n for n, k in kinds.items() if k == "document"},
            {n for n in names if n.startswith("edoc_")},
        )

    def assertVpcpSender(self, sender):
        self.assertEqual(sender.organ_id, VPCP)
        self.assertEqual(sender.name, "Văn phòng Chính phủ")
        self.assertEqual(sender.organization_in_charge, "Văn phòng Chính phủ")
        self.assertEqual(sender.address, "Số 1 Hoàng Hoa Thám, Quận Ba Đình, Hà Nội")
        self.assertEqual(sender.email, "vpcp@gov.vn")
        self.assertEqual(sender.telephone, "8043100")
        self.assertEqual(sender.fax, "048989898789")
        self.assertEqual(sender.website, "vpcp.vn")

    def assertCommonBody(self, message, promulgation_date):
        self.assertEqual(message.document_id, DOC_ID)
        self.assertEqual(message.code_notation, "VPCP-TTĐT")
        self.assertEqual(message.place, "Hà Nội")
        self.assertEqual(message.promulgation_date, promulgation_date)
        self.assertEqual((message.type, message.type_detail), (1, 0))
        self.assertEqual(message.type_name, "Công văn")
        subject = "V/v kết nối, liên thông phần mềm quản lý văn bản"
        self.assertEqual(message.subject, subject)
        self.assertEqual(message.content, subject)
        self.assertEqual(message.signer_competence, "TL. BO TRUONG")
        self.assertEqual(
            message.signer_position, "Cuc truong cuc ung dung cong nghe thong tin"
        )
        self.assertEqual(message.signer_full_name, "Nguyen Thanh Phuc")
        self.assertEqual(message.due_date, date(2018, 9, 28))
        self.assertEqual(message.priority, 0)
        self.assertEqual(message.sphere_of_promulgation, "Liên thông văn bản quốc gia")
        self.assertEqual(message.typer_notation, "TVC")
        self.assertEqual(message.promulgation_amount, 2)
        self.assertEqual(message.page_amount, 22)
        self.assertIs(message.direction, False)
        self.assertEqual(
            message.appendixes,
            ["Công văn về việc kết nối, liên thông phần mềm quản lý văn bản"],
        )
        self.assertEqual(message.steering_type, 1)
        self.assertEqual(
            message.to_places,
            ["Cac bo va co quan ngang bo", "Uy ban nhan dan cac tinh, TP"],
        )
        (trace,) = message.trace_headers
        self.assertEqual(trace.organ_id, VPCP)
        self.assertEqual(trace.timestamp, datetime(2018, 9, 28, 0, 0, 0))
        staff = message.business.staff
        self.assertEqual(staff.department, "Văn thư văn phòng")
        self.assertEqual(staff.staff, "Nguyễn Thị Ngọc Trâm")
        self.assertEqual(staff.email, "vanthuvanphong@gov.vn")
        self.assertEqual(staff.mobile, "84912000001")
        self.assertEqual(message.business.paper, 0)

    def assertSampleAttachment(self, message, name):
        (attachment,) = message.attachments
        self.assertEqual(attachment.content_id, "cid:209")
        self.assertEqual(attachment.name, "1896_QD-TTg_m_294779.doc")
        self.assertEqual(attachment.description, "1896_QD-TTg_m_294779.doc")
        self.assertEqual(attachment.content_type, "application/zip")
        self.assertTrue(attachment.zipped)
        self.assertEqual(attachment.data, inner_file(name))
        self.assertEqual(attachment.size, 388347)
        self.assertIs(message.main_attachment(), attachment)
        self.assertEqual(message.annexes(), [])

    def assertSampleSignature(self, message):
        self.assertIn(b"<SignatureValue>GbVb8n9+", message.signature)
        self.assertIn(
            b"<X509Certificate>MIIFqTCCBJG</X509Certificate>", message.signature
        )

    def assertThreeRecipients(self, message):
        self.assertEqual(
            [(r.organ_id, r.name) for r in message.recipients],
            [
                (NGHE_AN, "UBND Tỉnh Nghệ An"),
                ("000.00.00.H14", "UBND Tỉnh Cao Bằng"),
                ("000.00.00.G17", "Sở Thông tin truyền thông Hải Phòng"),
            ],
        )
        first = message.recipients[0]
        self.assertEqual(first.organization_in_charge, "UBND Tỉnh Nghệ An")
        self.assertEqual(
            first.address,
            "Số 03, đường Trường Thi, Thành phố Vinh, Tỉnh Nghệ An, Việt Nam",
        )
        self.assertEqual(
            (first.email, first.telephone, first.fax, first.website),
            ("nghean@gov.vn", "0383 840418", "0383 843049", "www.nghean.vn"),
        )

    def test_new(self):
        # The file starts with "1212" before its XML declaration.
        self.assertTrue(sample("edoc_new.edxml").startswith(b"1212<?xml"))
        message = read_message(sample("edoc_new.edxml"))
        sender = message.sender
        self.assertEqual(sender.organ_id, "002.00.20.H13")
        self.assertEqual(
            sender.name, "UBND xã Hòa Tiến - UBND huyện Hòa Vang - Thành phố Đà Nẵng"
        )
        self.assertEqual(sender.fax, "048989898789")
        (recipient,) = message.recipients
        self.assertEqual(recipient.organ_id, "28.22.H17")
        self.assertEqual(
            recipient.organization_in_charge,
            "UBND xã Hòa Sơn - UBND huyện Hòa Vang - Thành phố Đà Nẵng",
        )
        self.assertEqual(recipient.telephone, "(84-4) 3821 5137")
        self.assertEqual(message.code_number, "74fass22")
        self.assertEqual(message.number_symbol, "74fass22/VPCP-TTĐT")
        self.assertCommonBody(message, date(2019, 1, 16))
        business = message.business
        self.assertEqual(business.doc_type, model.NEW)
        self.assertEqual(business.reason, "Văn bản điện tử mới")
        self.assertEqual(
            business.document_id, "000.00.00.G22,2014/02/30,7806/VPCP-TTĐT"
        )
        self.assertEqual(message.response_for, [])
        self.assertSampleAttachment(message, "edoc_new.edxml")
        self.assertSampleSignature(message)

    def test_update(self):
        message = read_message(sample("edoc_update.edxml"))
        self.assertVpcpSender(message.sender)
        self.assertThreeRecipients(message)
        self.assertEqual(message.code_number, "7816")
        self.assertCommonBody(message, date(2018, 9, 28))
        business = message.business
        self.assertEqual(business.doc_type, model.UPDATE)
        self.assertEqual(business.reason, "Cập nhật văn bản điện tử")
        self.assertEqual((business.document_info, business.document_receiver), (1, 1))
        self.assertEqual(
            [(r.organ_id, r.receiver_type) for r in business.receivers],
            [(NGHE_AN, 0), ("000.00.00.H14", 1)],
        )
        self.assertSampleAttachment(message, "edoc_update.edxml")
        self.assertSampleSignature(message)

    def test_revocation(self):
        message = read_message(sample("edoc_revocation.edxml"))
        self.assertVpcpSender(message.sender)
        self.assertThreeRecipients(message)
        self.assertCommonBody(message, date(2018, 9, 28))
        self.assertEqual(message.business.doc_type, model.REVOCATION)
        self.assertEqual(message.business.reason, "Thu hồi văn bản điện tử")
        (response,) = message.response_for
        self.assertEqual(response.organ_id, "000.00.00.H14")
        self.assertEqual(response.code, "267/VPCP-TTĐT")
        self.assertEqual(response.document_id, "000.00.04.G14,2012/08/06,267/VPCP-TTĐT")
        self.assertEqual(response.promulgation_date, date(2018, 9, 28))
        self.assertSampleAttachment(message, "edoc_revocation.edxml")

    def test_replacement(self):
        message = read_message(sample("edoc_replacement.edxml"))
        self.assertVpcpSender(message.sender)
        self.assertThreeRecipients(message)
        self.assertCommonBody(message, date(2018, 9, 28))
        business = message.business
        self.assertEqual(business.doc_type, model.REPLACEMENT)
        self.assertEqual(business.reason, "Văn bản thay thế")
        self.assertEqual(len(business.replacements), 2)
        for replacement in business.replacements:
            self.assertEqual(
                replacement.document_id, "000.00.00.G22,2014/01/30,7806/VPCP-TTĐT"
            )
            self.assertEqual(replacement.organ_ids, [NGHE_AN, "000.00.00.H14"])
        self.assertSampleAttachment(message, "edoc_replacement.edxml")

    STATUSES = {
        "status_inbox_01.edxml": ("01", "Văn thư - Phòng Văn thư - Lưu trữ: Đã đến"),
        "status_rejection_02.edxml": (
            "02",
            "Văn thư - Phòng Văn thư - Lưu trữ: Từ chối",
        ),
        "status_acceptance_03.edxml": (
            "03",
            "Văn thư cơ - Phòng Văn thư - Lưu trữ: Tiếp",
        ),
        "status_assignment_04.edxml": ("04", "Lãnh đạo: Phân công xử lý"),
        "status_processing_05.edxml": ("05", "Đang xử lý văn bản đến"),
        "status_finish_06.edxml": ("06", "Văn thư: Ban hành văn bản đến"),
        "status_cancellation_13.edxml": ("13", "Văn thư yêu cầu lấy lại"),
        "status_change-acceptance_15.edxml": ("15", "Văn thư đồng ý yêu cầu"),
        "status_change-rejection_16.edxml": ("16", "Văn thư từ chối yêu cầu"),
    }

    def test_status_messages(self):
        for name, (code, description) in self.STATUSES.items():
            with self.subTest(name):
                message = read_message(sample(name))
                self.assertEqual(message.kind, "status")
                self.assertEqual(message.status_code, code)
                self.assertTrue(message.description.startswith(description))
                self.assertEqual(message.timestamp, datetime(2015, 9, 20, 11, 8, 36))
                response = message.response_for
                self.assertEqual(response.document_id, DOC_ID)
                self.assertEqual(response.code, "7816/VPCP-TTĐT")
                self.assertEqual(response.promulgation_date, date(2015, 9, 30))
                # 13 goes from the issuer to the recipient; the others back.
                sender, addressee = (VPCP, NGHE_AN) if code == "13" else (NGHE_AN, VPCP)
                self.assertEqual(message.sender.organ_id, sender)
                self.assertEqual(response.organ_id, addressee)
                self.assertEqual(message.staff.department, "Phong hanh chinh")
                self.assertEqual(message.staff.staff, "Nguyen thi ngoc tram")
                self.assertEqual(message.staff.mobile, "84912000001")
                self.assertEqual(message.staff.email, "ngoctram@nghean.vn")
                self.assertIsNone(message.signature)

    def test_written_samples_read_the_same(self):
        for path in sorted(SAMPLES.glob("*.edxml")):
            with self.subTest(path.name):
                message = read_message(path.read_bytes())
                again = read_message(write_message(message))
                message.signature = None  # not re-signed
                self.assertEqual(again, message)


def edoc(header_extra="", attachments="", prefix="edXML:", root=None, envelope_ns=True):
    """A small document message; ``prefix`` is the envelope elements'."""
    p = prefix
    decl = f' xmlns:edXML="{NS}"' if envelope_ns and p == "edXML:" else ""
    root = root or f'<edXML xmlns="{NS}">'
    return f"""<?xml version="1.0" encoding="UTF-8"?>
{root}<{p}edXMLEnvelope{decl}><{p}edXMLHeader><{p}MessageHeader>
<{p}From><{p}OrganId>000.00.00.G22</{p}OrganId><{p}OrganName>Văn phòng Chính phủ</{p}OrganName></{p}From>
<{p}To><{p}OrganId>000.00.20.H43</{p}OrganId><{p}OrganName>Sở TT&amp;TT</{p}OrganName></{p}To>
<{p}DocumentId>000.00.00.G22,2026/11/20,15/VPCP-KSTT</{p}DocumentId>
<{p}Code><{p}CodeNumber>15</{p}CodeNumber><{p}CodeNotation>VPCP-KSTT</{p}CodeNotation></{p}Code>
<{p}PromulgationInfo><{p}Place>Hà Nội</{p}Place><{p}PromulgationDate>2026/11/20</{p}PromulgationDate></{p}PromulgationInfo>
<{p}Subject>Về việc thử nghiệm</{p}Subject>{header_extra}
</{p}MessageHeader></{p}edXMLHeader></{p}edXMLEnvelope>{attachments}</edXML>""".encode()


def attachment_xml(data, name="qd.pdf", content_type="application/pdf", cid="cid:1"):
    encoded = base64.b64encode(data).decode()
    return (
        f"<AttachmentEncoded><Attachment><ContentId>{cid}</ContentId>"
        f"<AttachmentName>{name}</AttachmentName><ContentType>{content_type}</ContentType>"
        f"<ContentTransferEncoded>{encoded}</ContentTransferEncoded>"
        "</Attachment></AttachmentEncoded>"
    )


class TestVariations(unittest.TestCase):
    def test_prefix_variations(self):
        plain = read_message(edoc())
        self.assertEqual(plain.subject, "Về việc thử nghiệm")
        # No prefix (default namespace throughout), or a prefix on the root.
        self.assertEqual(read_message(edoc(prefix="")), plain)
        prefixed_root = edoc(
            root=f'<edXML:edXML xmlns:edXML="{NS}">', envelope_ns=False
        )
        prefixed_root = prefixed_root.replace(b"</edXML>", b"</edXML:edXML>")
        self.assertEqual(read_message(prefixed_root), plain)
        # Attachments without a namespace (root prefixed, children not).
        pdf = b"%PDF-1.4 test"
        unqualified = edoc(
            root=f'<edXML:edXML xmlns:edXML="{NS}">',
            envelope_ns=False,
            attachments=attachment_xml(pdf),
        ).replace(b"</edXML>", b"</edXML:edXML>")
        (attachment,) = read_message(unqualified).attachments
        self.assertEqual((attachment.name, attachment.data), ("qd.pdf", pdf))
        self.assertFalse(attachment.zipped)

    def test_number_less_document(self):
        message = read_message(
            edoc().replace(b"<edXML:CodeNumber>15</edXML:CodeNumber>", b"")
        )
        self.assertEqual(message.code_number, "")
        self.assertEqual(message.number_symbol, "VPCP-KSTT")

    def test_main_file_and_annexes(self):
        attachments = [
            model.Attachment(
                content_id="a", name="phu-luc-1.pdf", description="Phụ lục 1"
            ),
            model.Attachment(content_id="b", name="bang.xlsx"),
            model.Attachment(content_id="c", name="qd.pdf"),
        ]
        main, annexes = model.choose_main(attachments, ["Phụ lục 1"])
        self.assertEqual(main.content_id, "c")
        self.assertEqual([a.content_id for a in annexes], ["a", "b"])
        main, annexes = model.choose_main(attachments[1:2])
        self.assertEqual(main.content_id, "b")


class TestRefusals(unittest.TestCase):
    def assertRefused(self, data, element=None, error=EdXMLError, limits=None):
        with self.assertRaises(error) as caught:
            read_message(data, limits or Limits())
        if element is not None:
            self.assertEqual(caught.exception.element, element)
        self.assertTrue(caught.exception.message)
        return caught.exception

    def test_not_xml_or_truncated(self):
        self.assertRefused(b"")
        self.assertRefused(b"%PDF-1.4")
        error = self.assertRefused(edoc()[:400])
        self.assertTrue(error.element.startswith("edXML/edXMLEnvelope/edXMLHeader"))

    def test_doctype_and_entities(self):
        xxe = (
            edoc()
            .replace(
                b"<edXML xmlns",
                b'<!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><edXML xmlns',
            )
            .replace("Về việc thử nghiệm".encode(), b"&x;")
        )
        self.assertRefused(xxe, "DOCTYPE")
        laughs = (
            edoc()
            .replace(
                b"<edXML xmlns",
                b'<!DOCTYPE edXML [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
                b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;">]><edXML xmlns',
            )
            .replace("Về việc thử nghiệm".encode(), b"&c;")
        )
        self.assertRefused(laughs, "DOCTYPE")

    def test_namespace_and_structure(self):
        self.assertRefused(edoc().replace(NS.encode(), b"urn:other"), "edXML")
        self.assertRefused(
            edoc()
            .replace(b"<edXML:Subject>", b"<edXML:Sbj>")
            .replace(b"</edXML:Subject>", b"</edXML:Sbj>"),
            "MessageHeader/Subject",
        )
        self.assertRefused(
            edoc().replace(
                b"2026/11/20</edXML:PromulgationDate>",
                b"2026/02/30</edXML:PromulgationDate>",
            ),
            "MessageHeader/PromulgationInfo/PromulgationDate",
        )

    def test_wrong_encoding(self):
        latin = edoc().replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
        self.assertRefused(latin)
        self.assertRefused(edoc().decode().encode("utf-16"))
        self.assertRefused(edoc().replace("Về".encode(), b"V\xe8"))

    def test_sizes(self):
        limits = Limits(message_bytes=10_000, attachment_bytes=2_000)
        self.assertRefused(
            edoc(attachments=attachment_xml(b"x" * 20_000)),
            "edXML",
            MessageTooLarge,
            limits,
        )
        self.assertRefused(
            edoc(attachments=attachment_xml(b"x" * 3_000)),
            "AttachmentEncoded/Attachment[1]/ContentTransferEncoded",
            MessageTooLarge,
            limits,
        )
        buffer = BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("bomb.pdf", b"\0" * 1_000_000)
        bomb = edoc(
            attachments=attachment_xml(buffer.getvalue(), "bomb.pdf", "application/zip")
        )
        self.assertRefused(
            bomb,
            "AttachmentEncoded/Attachment[1]/ContentTransferEncoded",
            MessageTooLarge,
            Limits(attachment_bytes=100_000),
        )

    def test_bad_base64_and_zip(self):
        bad = edoc(attachments=attachment_xml(b"x")).replace(b"eA==", b"e@==")
        self.assertRefused(
            bad, "AttachmentEncoded/Attachment[1]/ContentTransferEncoded"
        )
        broken_zip = b"PK\x03\x04" + b"\0" * 40
        self.assertRefused(
            edoc(attachments=attachment_xml(broken_zip, "a.pdf", "application/zip")),
            "AttachmentEncoded/Attachment[1]/ContentTransferEncoded",
        )
