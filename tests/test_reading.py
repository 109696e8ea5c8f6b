"""Reading documents (issue 15): PDF signatures, extraction rules, OCR
limits, and the background worker reading a scan end to end over HTTP."""

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

    def test_mail(self):
        found = propose_from_mail(
            "Gửi văn bản số 125/BTTTT-CĐSQG về việc triển khai chữ ký số",
            "Kính gửi Sở Khoa học và Công nghệ.\nXin gửi kèm văn bản.",
            [],
            [("cong-van", "Công văn", "")],
        )
        self.assertEqual(found["number_symbol"], "125/BTTTT-CĐSQG")
        self.assertEqual(found["subject"], "triển khai chữ ký số")


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
