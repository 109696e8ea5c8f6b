"""Reading mail (phutho.intranet.mailin.parse, .charsets, .html_body): pure
functions, no portal."""

from phutho.intranet.mailin.charsets import decode_bytes
from phutho.intranet.mailin.charsets import decode_header_value
from phutho.intranet.mailin.html_body import sanitize_html
from phutho.intranet.mailin.parse import Attachment
from phutho.intranet.mailin.parse import choose_main
from phutho.intranet.mailin.parse import content_key
from phutho.intranet.mailin.parse import find_number_symbol
from phutho.intranet.mailin.parse import normalize_message_id
from phutho.intranet.mailin.parse import parse_message
from phutho.intranet.mailin.parse import safe_filename
from phutho.intranet.mailin.parse import UnusableMessage

import unittest


class TestCharsets(unittest.TestCase):
    def test_viscii_codec(self):
        text = "Đề nghị các Sở báo cáo kết quả ỨNG DỤNG"
        self.assertEqual(text.encode("viscii").decode("viscii"), text)
        self.assertEqual(b"\xc5\xc4".decode("viscii"), "ĂẢ")

    def test_fallbacks(self):
        self.assertEqual(decode_bytes("Thông báo".encode(), "x-unknown"), "Thông báo")
        self.assertEqual(decode_bytes(b"Th\xf4ng", None), "Thông")  # windows-1258
        self.assertEqual(decode_bytes("Nội".encode(), "us-ascii"), "Nội")

    def test_headers(self):
        self.assertEqual(
            decode_header_value("=?utf-8?b?VGjDtG5n?= =?utf-8?b?IGLDoW8=?="),
            "Thông báo",
        )
        self.assertEqual(decode_header_value("a\r\n b\x00c"), "a bc")
        self.assertEqual(normalize_message_id(" <AbC@Host.VN> "), "abc@host.vn")


class TestParts(unittest.TestCase):
    def test_filenames(self):
        self.assertEqual(safe_filename("../../x.pdf", "application/pdf", 1), "x.pdf")
        self.assertEqual(
            safe_filename(None, "application/pdf", 2), "tep-dinh-kem-2.pdf"
        )
        self.assertLessEqual(len(safe_filename("a" * 500 + ".pdf", "", 1)), 150)
        self.assertTrue(safe_filename("a" * 500 + ".pdf", "", 1).endswith(".pdf"))

    def test_main_file(self):
        files = [
            Attachment("a.docx", "application/octet-stream", b""),
            Attachment("b.PDF", "application/octet-stream", b""),
        ]
        self.assertEqual(choose_main(files), 1)
        self.assertIsNone(choose_main([Attachment("c.zip", "application/zip", b"")]))

    def test_number_symbol(self):
        self.assertEqual(
            find_number_symbol("Công văn số 05/UBND-VX về việc"), "05/UBND-VX"
        )
        self.assertEqual(find_number_symbol("Quyết định 15/QĐ-UBND"), "15/QĐ-UBND")
        self.assertEqual(find_number_symbol("Giấy mời họp ngày 12/11"), "")

    def test_sanitize(self):
        html = (
            '<p onclick="x()">Hi<script>alert(1)</script>'
            '<a href="javascript:x()">a</a><a href="https://a.vn">b</a>'
            '<img src="http://t/p.gif"><iframe src="http://e"></iframe></p>'
        )
        clean = sanitize_html(html)
        for bad in ("onclick", "<script", "javascript:", "<img", "<iframe"):
            self.assertNotIn(bad, clean)
        self.assertIn('href="https://a.vn"', clean)
        self.assertIn("Hi", clean)

    def test_content_key_ignores_trace_headers(self):
        raw = b"Subject: a\r\nFrom: b@c.d\r\n\r\nbody\r\n"
        relayed = b"Received: from x\r\n by y\r\nReturn-Path: <q@r>\r\n" + raw
        self.assertEqual(content_key(raw), content_key(relayed))
        self.assertNotEqual(
            content_key(raw), content_key(raw.replace(b"body", b"other"))
        )

    def test_unusable(self):
        with self.assertRaises(UnusableMessage):
            parse_message(b"   ")
        self.assertFalse(parse_message(b"From: a@b.c\r\n\r\n  \r\n").usable)

    def test_bounce(self):
        raw = (
            b"Subject: Undelivered\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report;"
            b' report-type=delivery-status; boundary="r"\r\n\r\n--r\r\n'
            b"Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
            b"Final-Recipient: rfc822; A@B.vn\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
            b"--r\r\nContent-Type: message/rfc822\r\n\r\nMessage-ID: <X@y>\r\n"
            b"Subject: s\r\n\r\nbody\r\n--r--\r\n"
        )
        mail = parse_message(raw)
        self.assertEqual(mail.bounce_of, "x@y")
        self.assertEqual(mail.bounce_recipients, {"a@b.vn": "5.1.1"})
