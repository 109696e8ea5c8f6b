"""The reading worker end to end: a scanned document uploaded, read by a
worker thread the test starts, its text searchable without diacritics,
its proposals and reading state over HTTP; a signed PDF checked and
flagged on the dashboard; the upgrade step."""

from phutho.intranet.jobs import queue
from phutho.intranet.jobs.worker import Worker
from phutho.intranet.ocr import records
from phutho.intranet.signatures import testing as ca
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import RestSession
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.namedfile.file import NamedBlobFile

import base64
import importlib.util
import os
import random
import tempfile
import time
import transaction
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def corpus_module():
    spec = importlib.util.spec_from_file_location(
        "ocr_corpus", os.path.join(ROOT, "scripts", "ocr_corpus.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestReadingWorker(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        from test_reading import require_tesseract

        require_tesseract(self)
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.agency = agency(self.portal, "so-khcn")
        self.worker = None
        self.clerk = RestSession(
            self.portal.absolute_url(), auth=("vanthu.sokhcn", DEMO_PASSWORD)
        )

    def tearDown(self):
        if self.worker is not None:
            self.worker.stop()

    def start_worker(self):
        self.worker = Worker(self.layer["app"]._p_jar.db(), interval=0.2)
        self.worker.start()

    def wait_until(self, check, seconds=180):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            transaction.begin()
            self.portal._p_jar.sync()
            if check():
                return
            time.sleep(0.5)
        self.fail("the worker did not finish in time")

    def test_scan_read_searchable_and_proposed(self):
        corpus = corpus_module()
        doc = corpus.make_document(random.Random(11), 0)
        images = corpus.scan(corpus.render_pdf(doc), 300, random.Random(11))
        directory = tempfile.mkdtemp()
        path = corpus.save_scan(images, __import__("pathlib").Path(directory, "s"), 300)
        with open(path, "rb") as stream:
            data = stream.read()
        document = create_incoming(
            self.agency,
            main_file=NamedBlobFile(
                data, contentType="image/jpeg", filename="scan.jpg"
            ),
        )
        named_file = document.main_file
        self.assertEqual(
            records.record(named_file, records.OCR_ATTRIBUTE).state, records.PENDING
        )
        self.assertEqual(queue.pending_count(self.portal), 1)
        transaction.commit()
        # Pending is visible on the page and in REST before the worker runs.
        reading = self.clerk.get(f"{document.absolute_url()}/@reading").json()
        self.assertEqual(reading["files"][0]["ocr"]["state"], "pending")
        self.start_worker()
        self.wait_until(
            lambda: records.record(document.main_file, records.OCR_ATTRIBUTE).state
            != records.PENDING
        )
        record = records.record(document.main_file, records.OCR_ATTRIBUTE)
        self.assertEqual(record.state, records.DONE, record.reason)
        self.assertEqual(queue.pending_count(self.portal), 0)
        # The original is unchanged; the searchable PDF is beside it.
        self.assertEqual(document.main_file.data, data)
        pdf = self.clerk.get(f"{document.absolute_url()}/@@searchable-pdf/main_file")
        self.assertEqual(pdf.status_code, 200)
        self.assertTrue(pdf.content.startswith(b"%PDF"))
        # Searchable without diacritics: the signer's family name.
        catalog = api.portal.get_tool("portal_catalog")
        word = corpus_module().person(random.Random(0)).split()[0]
        self.assertTrue(doc["signer_name"])
        folded = (
            "".join(
                c
                for c in __import__("unicodedata").normalize("NFD", doc["signer_name"])
                if not __import__("unicodedata").combining(c)
            )
            .replace("Đ", "D")
            .replace("đ", "d")
        )
        self.assertIn(
            document.UID(),
            [b.UID for b in catalog.unrestrictedSearchResults(SearchableText=folded)],
        )
        del word
        # Proposals over HTTP, from the OCR'd text.
        proposals = self.clerk.get(f"{document.absolute_url()}/@proposals").json()
        self.assertEqual(proposals["source"], "ocr")
        self.assertEqual(proposals["fields"]["number_symbol"], doc["number_symbol"])
        self.assertEqual(proposals["fields"]["document_date"], doc["date"])
        # The register form shows them as proposed.
        page = self.clerk.get(
            f"{document.absolute_url()}/@@transition?workflow_action=register",
            headers={"Accept": "text/html"},
        )
        self.assertIn("transition-proposals", page.text)

    def test_hostile_scan_fails_cleanly(self):
        from PIL import Image

        import io

        buffer = io.BytesIO()
        Image.new("1", (20000, 20000)).save(buffer, "PNG")
        document = create_incoming(
            self.agency,
            main_file=NamedBlobFile(
                buffer.getvalue(), contentType="image/png", filename="bomb.png"
            ),
        )
        transaction.commit()
        self.start_worker()
        self.wait_until(
            lambda: records.record(document.main_file, records.OCR_ATTRIBUTE).state
            != records.PENDING
        )
        record = records.record(document.main_file, records.OCR_ATTRIBUTE)
        self.assertEqual(record.state, records.FAILED)
        self.assertIn("megapixels", record.reason)
        page = self.clerk.get(document.absolute_url(), headers={"Accept": "text/html"})
        self.assertIn("megapixels", page.text)

    def test_signature_checked_and_flagged(self):
        directory = tempfile.mkdtemp()
        root = ca.CA()
        root.write_root(directory)
        api.portal.set_registry_record("phutho.intranet.reading.trust_roots", directory)
        stranger = ca.CA("Untrusted root")
        signed = ca.sign(
            ca.simple_pdf(
                "Công văn về việc triển khai chữ ký số trong cơ quan nhà nước " * 3
            ),
            stranger.signer("Ngô Văn F", "X"),
        )
        document = create_incoming(
            self.agency,
            main_file=NamedBlobFile(
                signed, contentType="application/pdf", filename="signed.pdf"
            ),
        )
        transaction.commit()
        self.start_worker()
        self.wait_until(
            lambda: records.record(
                document.main_file, records.SIGNATURES_ATTRIBUTE
            ).state
            != records.PENDING
        )
        reading = self.clerk.get(f"{document.absolute_url()}/@reading").json()
        self.assertEqual(reading["signature_status"], "invalid")
        item = reading["files"][0]["signatures"]["items"][0]
        self.assertEqual(item["signer"], "Ngô Văn F")
        self.assertIn("untrusted", item["problems"])
        dashboard = self.clerk.get(
            f"{self.agency.absolute_url()}/@@documents-dashboard",
            headers={"Accept": "text/html"},
        )
        self.assertIn("bg-danger", dashboard.text)

    def test_proposals_post_before_the_document_exists(self):
        corpus = corpus_module()
        doc = corpus.make_document(random.Random(5), 0)
        pdf = corpus.render_pdf(doc)
        response = self.clerk.post(
            f"{self.agency.absolute_url()}/@proposals",
            json={
                "file": {
                    "data": base64.b64encode(pdf).decode(),
                    "filename": "cv.pdf",
                    "content-type": "application/pdf",
                }
            },
        )
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual(body["fields"]["number_symbol"], doc["number_symbol"])
        self.assertFalse(body["ocr_needed"])
        bad = self.clerk.post(
            f"{self.agency.absolute_url()}/@proposals", json={"file": {"data": "!!"}}
        )
        self.assertEqual(bad.status_code, 400)
        anonymous = RestSession(self.portal.absolute_url()).post(
            f"{self.agency.absolute_url()}/@proposals", json={"file": {"data": ""}}
        )
        self.assertIn(anonymous.status_code, (401, 403))

    def test_upgrade_step(self):
        from phutho.intranet.upgrades.v1006 import add_signature_index

        catalog = api.portal.get_tool("portal_catalog")
        catalog.delIndex("signature_status")
        add_signature_index(None)
        self.assertIn("signature_status", catalog.indexes())
        self.assertIn("signature_status", catalog.schema())
