"""Reading documents (issue 15) without a portal: PDF signatures (our own
CA, revocation by a local OCSP responder and CRL, the agency's stamp),
extraction rules, OCR limits, the two-column layout reader, and a small
sample of the benchmark's corpus OCR'd (bench/bench_reading.py runs all
of it). The worker end to end is in test_reading_worker."""

from phutho.intranet.extraction.rules import propose
from phutho.intranet.extraction.rules import propose_from_mail
from phutho.intranet.ocr.engine import check_input
from phutho.intranet.ocr.engine import OcrError
from phutho.intranet.ocr.engine import OcrLimits
from phutho.intranet.ocr.engine import tesseract_available
from phutho.intranet.signatures import testing as ca
from phutho.intranet.signatures.sign import load_signer
from phutho.intranet.signatures.sign import sign_pdf
from phutho.intranet.signatures.verify import load_trust_roots
from phutho.intranet.signatures.verify import verify_pdf

import datetime
import importlib.util
import io
import os
import random
import shutil
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_script(name):
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(ROOT, "scripts", f"{name}.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def require_tesseract(test):
    """Tests that need tesseract fail in CI without it, skip elsewhere."""
    if tesseract_available("vie"):
        return
    if os.environ.get("CI") == "true":
        test.fail("tesseract-ocr-vie is missing (scripts/system-deps.sh)")
    test.skipTest("tesseract-ocr-vie is not installed")


class TestSignatures(unittest.TestCase):
    """Our own CA; PDFs signed with pyHanko; each case verified."""

    def setUp(self):
        self.directory = tempfile.mkdtemp()
        self.ca = ca.CA()
        self.ca.write_root(self.directory)
        self.roots = load_trust_roots(self.directory)
        self.pdf = ca.simple_pdf("Quyết định số 15/QĐ-UBND")
        self.valid = ca.sign(
            self.pdf, self.ca.signer("Nguyễn Văn A", "UBND tỉnh Phú Thọ")
        )

    def tearDown(self):
        shutil.rmtree(self.directory, ignore_errors=True)

    def verify(self, data):
        return verify_pdf(io.BytesIO(data), self.roots, check_revocation=True)

    def test_valid(self):
        result = self.verify(self.valid)
        self.assertEqual(result["status"], "valid")
        (signature,) = result["signatures"]
        self.assertEqual(signature["signer"], "Nguyễn Văn A")
        self.assertEqual(signature["organisation"], "UBND tỉnh Phú Thọ")
        self.assertTrue(signature["signing_time"])
        self.assertFalse(signature["modified"])
        self.assertTrue(signature["trusted"])
        # The test certificate names no OCSP responder nor CRL.
        self.assertEqual(signature["revocation"], "not_checked")

    def test_modified_after_signing(self):
        result = self.verify(ca.modify(self.valid))
        self.assertEqual(result["status"], "invalid")
        self.assertIn("modified_after_signing", result["signatures"][0]["problems"])
        self.assertTrue(result["signatures"][0]["modified"])

    def test_bytes_changed(self):
        data = bytearray(self.valid)
        index = data.index(b"Contents") - 200
        data[index] = ord("X") if data[index] != ord("X") else ord("Y")
        result = self.verify(bytes(data))
        self.assertEqual(result["status"], "invalid")

    def test_expired(self):
        now = datetime.datetime.now(datetime.timezone.utc)
        signer = self.ca.signer(
            "Lê Văn C",
            "Sở Nội vụ",
            not_before=now - datetime.timedelta(days=400),
            not_after=now - datetime.timedelta(days=30),
        )
        result = self.verify(ca.sign(self.pdf, signer))
        self.assertEqual(result["status"], "invalid")
        self.assertIn(
            "certificate_not_valid_at_signing_time",
            result["signatures"][0]["problems"],
        )

    def test_untrusted_root(self):
        other = ca.CA("Another root")
        result = self.verify(ca.sign(self.pdf, other.signer("Trần Thị D", "X")))
        self.assertEqual(result["status"], "invalid")
        self.assertIn("untrusted", result["signatures"][0]["problems"])
        self.assertFalse(result["signatures"][0]["trusted"])

    def test_two_signatures(self):
        second = ca.sign(
            self.valid, self.ca.signer("Phạm Văn E", "Sở Tài chính"), "Signature2"
        )
        result = self.verify(second)
        self.assertEqual(result["status"], "valid")
        self.assertEqual(
            [s["signer"] for s in result["signatures"]], ["Nguyễn Văn A", "Phạm Văn E"]
        )

    def test_no_signature(self):
        self.assertEqual(self.verify(self.pdf), {"status": "", "signatures": []})

    def revocation(self, **urls):
        signer = self.ca.signer("Đỗ Thị G", "Sở Y tế", **urls)
        return signer, ca.sign(self.pdf, signer)

    def test_revocation_good_by_ocsp(self):
        with ca.RevocationServer(self.ca) as server:
            _signer, signed = self.revocation(ocsp_url=f"{server.url}/ocsp")
            result = self.verify(signed)
            self.assertEqual(server.requests, ["ocsp"])
        self.assertEqual(result["status"], "valid")
        self.assertEqual(result["signatures"][0]["revocation"], "good")

    def test_revoked_by_ocsp(self):
        with ca.RevocationServer(self.ca) as server:
            signer, signed = self.revocation(ocsp_url=f"{server.url}/ocsp")
            server.revoked.add(signer.signing_cert.serial_number)
            result = self.verify(signed)
        self.assertEqual(result["status"], "invalid")
        (signature,) = result["signatures"]
        self.assertEqual(signature["revocation"], "revoked")
        self.assertEqual(signature["problems"], ["revoked"])

    def test_revoked_by_crl(self):
        with ca.RevocationServer(self.ca) as server:
            signer, signed = self.revocation(crl_url=f"{server.url}/crl")
            self.assertEqual(self.verify(signed)["signatures"][0]["revocation"], "good")
            server.revoked.add(signer.signing_cert.serial_number)
            result = self.verify(signed)
            self.assertIn("crl", server.requests)
        self.assertEqual(result["status"], "invalid")
        self.assertEqual(result["signatures"][0]["revocation"], "revoked")

    def test_revocation_unreachable_is_not_checked(self):
        import socket

        # A port nobody listens on (taken, then closed).
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        _signer, signed = self.revocation(ocsp_url=f"http://127.0.0.1:{port}/ocsp")
        result = verify_pdf(io.BytesIO(signed), self.roots, True, timeout=2)
        self.assertEqual(result["status"], "valid")
        self.assertEqual(result["signatures"][0]["revocation"], "not_checked")

    def test_revocation_check_turned_off(self):
        with ca.RevocationServer(self.ca) as server:
            signer, signed = self.revocation(ocsp_url=f"{server.url}/ocsp")
            server.revoked.add(signer.signing_cert.serial_number)
            result = verify_pdf(io.BytesIO(signed), self.roots, False)
            self.assertEqual(server.requests, [])
        self.assertEqual(result["signatures"][0]["revocation"], "not_checked")

    def test_stamp_font(self):
        """The stamp's font is embedded with its widths in thousandths of
        an em (pyHanko wrote them in the font's units: letters drawn twice
        as far apart) and maps back to the Vietnamese text."""
        import pypdf

        path = os.path.join(self.directory, "agency.p12")
        self.ca.pkcs12(path, "Sở Tài chính", "Sở Tài chính", "pw")
        os.environ["PHUTHO_TEST_P12"] = "pw"
        signer = load_signer(path, "env:PHUTHO_TEST_P12")
        signed = sign_pdf(self.pdf, signer, "Sở Tài chính", "15/QĐ-STC ngày 20/11/2026")
        reader = pypdf.PdfReader(io.BytesIO(signed))
        (widget,) = [
            annot.get_object()
            for annot in reader.pages[0]["/Annots"]
            if annot.get_object().get("/FT") == "/Sig"
        ]
        x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
        box = reader.pages[0].mediabox
        self.assertGreater(x0, float(box.width) / 2, "top right")
        self.assertGreater(y0, float(box.height) * 0.8, "top right")
        fonts, parents, seen = [], [], set()

        def collect(node, depth=0):
            """Every CID font reachable from the stamp's appearance."""
            if depth > 12:
                return
            if hasattr(node, "idnum"):
                if node.idnum in seen:
                    return
                seen.add(node.idnum)
            node = node.get_object()
            if isinstance(node, dict):
                if node.get("/Subtype") == "/CIDFontType2":
                    fonts.append(node)
                elif node.get("/Subtype") == "/Type0":
                    parents.append(node)
                children = [v for k, v in node.items() if k != "/Parent"]
            elif isinstance(node, list):
                children = node
            else:
                return
            for child in children:
                collect(child, depth + 1)

        collect(widget["/AP"])
        self.assertTrue(fonts, "an embedded TrueType font")
        for font in fonts:
            widths = [
                float(w)
                for item in font["/W"]
                if isinstance(item.get_object(), list)
                for w in item.get_object()
            ]
            self.assertTrue(widths)
            self.assertLess(max(widths), 1100, "widths in 1/1000 em")
            self.assertGreater(min(widths), 150)
        # The stamp's text maps back to Vietnamese: "ố" of "Số" (U+1ED1)
        # is in a font's ToUnicode map.
        maps = b"".join(
            font["/ToUnicode"].get_object().get_data().lower()
            for font in parents
            if "/ToUnicode" in font
        )
        self.assertIn(b"1ed1", maps)

    def test_agency_signature_with_stamp(self):
        path = os.path.join(self.directory, "agency.p12")
        self.ca.pkcs12(path, "UBND tỉnh Phú Thọ", "UBND tỉnh Phú Thọ", "bí mật")
        os.environ["PHUTHO_TEST_P12"] = "bí mật"
        signer = load_signer(path, "env:PHUTHO_TEST_P12")
        signed = sign_pdf(self.valid, signer, "UBND tỉnh Phú Thọ", "15/QĐ-UBND")
        result = self.verify(signed)
        self.assertEqual(result["status"], "valid")
        self.assertEqual(len(result["signatures"]), 2)
        # A password file others may read is refused.
        password = os.path.join(self.directory, "password")
        with open(password, "w") as stream:
            stream.write("bí mật\n")
        os.chmod(password, 0o644)
        from phutho.intranet.signatures.sign import SigningError

        with self.assertRaises(SigningError):
            load_signer(path, f"file:{password}")
        os.chmod(password, 0o600)
        self.assertIsNotNone(load_signer(path, f"file:{password}"))


class TestExtractionRules(unittest.TestCase):
    """A few documents of the generated corpus, read from their text layer;
    the real fixture PDF; a mail."""

    def test_corpus_sample(self):
        corpus = load_script("ocr_corpus")
        measure = load_script("reading_measure")
        from phutho.intranet.search.extract import extract_text

        agencies = [(a[2], a[4]) for a in corpus.AGENCIES]
        types = [(t[0], t[1].capitalize(), t[2]) for t in corpus.TYPES]
        rng = random.Random(7)
        scores = measure.Scores()
        for index in range(8):
            doc = corpus.make_document(rng, index)
            pdf = corpus.render_pdf(doc)
            text = extract_text(io.BytesIO(pdf), "pdf", len(pdf))
            scores.add(measure.expected_fields(doc), propose(text, agencies, types))
        for name, (precision, recall, *_counts) in scores.table().items():
            self.assertGreaterEqual(precision, 0.85, name)
            self.assertGreaterEqual(recall, 0.85, name)

    def test_fixture_pdf(self):
        from phutho.intranet.search.extract import extract_text

        with open(os.path.join(ROOT, "tests", "fixtures", "qd15.pdf"), "rb") as f:
            data = f.read()
        text = extract_text(io.BytesIO(data), "pdf", len(data))
        found = propose(text, [("UBND tỉnh Phú Thọ", "000.00.00.H43")], [])
        self.assertEqual(found["number_symbol"], "15/QĐ-UBND")
        self.assertEqual(found["organ_id"], "000.00.00.H43")
        # No signature block: the heading's agency is not taken for the
        # signer's position.
        self.assertNotIn("signer_position", found)

    def test_mail(self):
        found = propose_from_mail(
            "Gửi văn bản số 125/BTTTT-CĐSQG về việc triển khai chữ ký số",
            "Kính gửi Sở Khoa học và Công nghệ.\nXin gửi kèm văn bản.",
            [],
            [("cong-van", "Công văn", "")],
        )
        self.assertEqual(found["number_symbol"], "125/BTTTT-CĐSQG")
        self.assertEqual(found["subject"], "triển khai chữ ký số")


class TestRulesOnOcrText(unittest.TestCase):
    """What OCR does to Decree 30's layout, and what the rules make of it."""

    TYPES = [("quyet-dinh", "Quyết định", "QĐ"), ("cong-van", "Công văn", "")]

    def test_misread_number_label(self):
        text = "UBND TỈNH PHÚ THỌ\nSỞ Y TẾ\nõ: 664/KH-SYT\nHạ Hòa, ngày 23 tháng 9 năm 2026\n"
        self.assertEqual(propose(text)["number_symbol"], "664/KH-SYT")

    def test_body_citations_are_not_the_number(self):
        text = (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "QUYẾT ĐỊNH\nCăn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020;\n"
        )
        self.assertNotIn("number_symbol", propose(text, (), self.TYPES))
        # Without a header (a mail's body), a number in a sentence counts.
        found = propose("Gửi kèm Quyết định số 15/QĐ-UBND.", (), self.TYPES)
        self.assertEqual(found["number_symbol"], "15/QĐ-UBND")

    def test_subject_continuation(self):
        lines = "QUYẾT ĐỊNH\nGiao chỉ tiêu tuyển sinh năm học\n2026-2027\n1. Rà soát số liệu.\n"
        found = propose("Số: 12/QĐ-STC\n" + lines, (), self.TYPES)
        self.assertEqual(found["subject"], "Giao chỉ tiêu tuyển sinh năm học 2026-2027")
        found = propose(
            "Số: 12/QĐ-STC\nQUYẾT ĐỊNH\nKiểm tra công tác\n2. Phân công.",
            (),
            self.TYPES,
        )
        self.assertEqual(found.get("subject"), "Kiểm tra công tác")

    def test_recipients_as_ocr_reads_them(self):
        text = (
            "Nơi nhận: TM. ỦY BAN NHÂN DÂN\n- UBND các xã, phường; CHỦ TỊCH\n"
            "~- Sở Nội vụ;\n-1ữu: VI, TH.\nNguyễn Văn An\n"
        )
        self.assertEqual(
            propose(text)["recipients"],
            ["UBND các xã, phường", "Sở Nội vụ", "Lưu: VT, TH"],
        )


class TestLayout(unittest.TestCase):
    """The two-column reader's pieces (ocr/layout.py)."""

    def test_widest_free_run(self):
        from phutho.intranet.ocr.layout import widest_free_run

        profile = [5, 0, 0, 5, 0, 0, 0, 0, 5, 1, 0]
        self.assertEqual(widest_free_run(profile, 0, len(profile), 0, 2), (4, 8))
        self.assertEqual(widest_free_run(profile, 0, len(profile), 1, 2), (4, 8))
        self.assertIsNone(widest_free_run(profile, 0, len(profile), 0, 5))

    def test_header_lines_read_again_are_dropped(self):
        from phutho.intranet.ocr.layout import replace_header

        page = (
            "UBND TỈNH PHÚ THỌ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "SỞ Y TẾ Độc lập - Tự do - Hạnh phúc\n\nõ: 664/KH-SYT\n"
            "ỳ Hạ Hòa, ngày 23 tháng 9 năm 2026\n\nKẾ HOẠCH\nGóp ý dự thảo quy chế\n"
        )
        header = (
            "UBND TỈNH PHÚ THỌ\nSỞ Y TẾ\nSố: 664/KH-SYT\n"
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Hạ Hòa, ngày 23 tháng 9 năm 2026\n"
        )
        lines = replace_header(page, header).splitlines()
        self.assertEqual(lines[2], "Số: 664/KH-SYT")
        self.assertEqual(lines[6:], ["KẾ HOẠCH", "Góp ý dự thảo quy chế"])

    def test_footer_replaced_from_the_label(self):
        from phutho.intranet.ocr.layout import replace_footer

        page = (
            "Thủ trưởng các cơ quan chịu trách nhiệm thi hành.\n"
            "Nơi nhận: TUQ. CHỦ TỊCH\n- Bộ Nội vụ; CHÁNH VĂN PHÒNG\n-Lưu: VI, TH.\n"
            "Hồ Ngọc Yến\n"
        )
        footer = (
            "Nơi nhận:\n- Bộ Nội vụ;\n- Lưu: VT, TH.\nTUQ. CHỦ TỊCH\n"
            "CHÁNH VĂN PHÒNG\nHồ Ngọc Yến\n"
        )
        lines = replace_footer(page, footer).splitlines()
        self.assertEqual(lines[0], "Thủ trưởng các cơ quan chịu trách nhiệm thi hành.")
        self.assertEqual(lines[1:], footer.splitlines())


class TestOcrSample(unittest.TestCase):
    """A few documents of the benchmark's corpus scanned (noise, blur,
    rotation, JPEG), OCR'd by the portal's engine: the goals of the full
    benchmark (bench/bench_reading.py) hold on them."""

    def setUp(self):
        require_tesseract(self)
        self.directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.directory, True)

    def test_sample(self):
        from phutho.intranet.ocr.engine import run_ocr

        import pathlib

        corpus = load_script("ocr_corpus")
        measure = load_script("reading_measure")
        agencies = [(a[2], a[4]) for a in corpus.AGENCIES]
        types = [(t[0], t[1].capitalize(), t[2]) for t in corpus.TYPES]
        rng = random.Random(2026)
        scores, rates = measure.Scores(), []
        for index, dpi in enumerate((300, 300, 200)):
            doc = corpus.make_document(rng, index)
            images = corpus.scan(corpus.render_pdf(doc), dpi, rng)
            path = corpus.save_scan(
                images, pathlib.Path(self.directory, f"d{index}"), dpi
            )
            kind = "jpeg" if len(images) == 1 else "pdf"
            read = run_ocr(str(path), kind, self.directory)
            rate = measure.cer(corpus.ground_truth(doc), read.text)
            if dpi == 200:
                self.assertLessEqual(rate, 0.05, "200 dpi")
                continue
            rates.append(rate)
            found = propose(read.text, agencies, types)
            scores.add(measure.expected_fields(doc), found)
        self.assertLessEqual(max(rates), 0.03, rates)
        for name, (precision, recall, *_counts) in scores.table().items():
            self.assertGreaterEqual(precision, 0.85, name)
            self.assertGreaterEqual(recall, 0.85, name)


class TestOcrLimits(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.directory, ignore_errors=True)

    def test_image_bomb_refused_before_decoding(self):
        from PIL import Image

        path = os.path.join(self.directory, "bomb.png")
        Image.new("1", (20000, 20000)).save(path)
        with self.assertRaises(OcrError) as raised:
            check_input(path, "png", OcrLimits(megapixels=80))
        self.assertIn("megapixels", str(raised.exception))

    def test_too_many_pages_refused(self):
        from fpdf import FPDF

        pdf = FPDF()
        for _page in range(60):
            pdf.add_page()
        path = os.path.join(self.directory, "long.pdf")
        pdf.output(path)
        with self.assertRaises(OcrError) as raised:
            check_input(path, "pdf", OcrLimits(pages=50))
        self.assertIn("60 pages", str(raised.exception))

    def test_ocr_time_limit(self):
        require_tesseract(self)
        from phutho.intranet.ocr.engine import run_ocr

        corpus = load_script("ocr_corpus")
        doc = corpus.make_document(random.Random(3), 0)
        images = corpus.scan(corpus.render_pdf(doc), 300, random.Random(3))
        path = corpus.save_scan(
            images, __import__("pathlib").Path(self.directory, "s"), 300
        )
        with self.assertRaises(OcrError) as raised:
            run_ocr(str(path), "jpeg", self.directory, OcrLimits(seconds=1))
        self.assertIn("1 s", str(raised.exception))
