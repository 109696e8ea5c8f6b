"""The reading worker end to end, over a real WSGI server: a scan read by a
worker thread the test starts (its text searchable without diacritics,
its state and proposals over HTTP and on the pages); a hostile file
failing with its reason; PDFs with a text layer never OCR'd; signed PDFs
checked and flagged; the agency's signature made after issue, before the
deliveries by exchange and e-mail go; the upgrade step.

Inputs are tiny (one short page) and every wait is bounded: a test that
waits too long fails saying what the queue and the worker were doing.
"""

from phutho.intranet.jobs import queue
from phutho.intranet.jobs.worker import Worker
from phutho.intranet.ocr import records
from phutho.intranet.signatures import testing as ca
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import OUTGOING_TO_ISSUED
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import RestSession
from phutho.intranet.testing import run_transitions
from plone import api
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.namedfile.file import NamedBlobFile
from test_reading import load_script
from test_reading import require_tesseract

import io
import os
import random
import shutil
import tempfile
import time
import transaction
import unicodedata
import unittest

# Bounds of the waits: one short page of OCR takes 5-10 s on a quiet
# 2-core machine, several times that when other test runs share it.
OCR_WAIT = 180
WAIT = 60


def tiny_scan(seed=11):
    """A clean 300 dpi JPEG of a one-sentence document of the corpus, and
    its fields: what OCR reads in seconds, and reliably."""
    corpus = load_script("ocr_corpus")
    doc = corpus.make_document(random.Random(seed), 0)
    doc["body"] = doc["body"][:1]
    (image,) = corpus.scan(
        corpus.render_pdf(doc), 300, random.Random(seed), degraded=False
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, dpi=(300, 300))
    return buffer.getvalue(), doc


def attached_files(edxml):
    """``{name: bytes}`` of the attachments of an edXML message (read
    plainly: the reader also checks the recipients' codes, and an e-mail
    recipient has none)."""
    from lxml import etree

    import base64
    import zipfile

    root = etree.fromstring(edxml, etree.XMLParser(resolve_entities=False))
    found = {}
    for element in root.iter("{*}Attachment"):
        name = element.findtext("{*}AttachmentName") or element.findtext(
            "AttachmentName"
        )
        encoded = element.find("{*}ContentTransferEncoded")
        if encoded is None:
            encoded = element.find("ContentTransferEncoded")
        data = base64.b64decode(encoded.text)
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                data = archive.read(archive.namelist()[0])
        found[name] = data
    return found


def folded(text):
    """``text`` without diacritics, as a search box may get it."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(char for char in text if not unicodedata.combining(char))


class WorkerTestCase(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        self.agency = agency(self.portal, "so-khcn")
        self.worker = None
        self.clerk = RestSession(
            self.portal.absolute_url(), auth=("vanthu.sokhcn", DEMO_PASSWORD)
        )
        self.directory = tempfile.mkdtemp(prefix="phutho-reading-")
        self.addCleanup(shutil.rmtree, self.directory, True)

    def tearDown(self):
        if self.worker is not None:
            self.worker.stop()
            self.assertFalse(self.worker.is_alive(), "the worker did not stop")

    def start_worker(self):
        self.worker = Worker(self.layer["app"]._p_jar.db(), interval=0.2)
        self.worker.start()

    def queue_state(self):
        jobs = queue.jobs_of(self.portal) or {}
        return [(job.kind, job.field, job.state, job.attempts) for job in jobs.values()]

    def wait_for(self, what, done, seconds=WAIT):
        """Poll (a fresh view of the database each time) until ``done()``
        is true; fail after ``seconds`` saying what was still going on."""
        started = time.monotonic()
        while True:
            transaction.begin()
            self.portal._p_jar.sync()
            if done():
                return time.monotonic() - started
            if self.worker is not None and not self.worker.is_alive():
                self.fail(f"{what}: the worker thread died; queue {self.queue_state()}")
            if time.monotonic() - started > seconds:
                self.fail(
                    f"{what}: not done after {seconds} s; queue "
                    f"{self.queue_state()}, worker processed "
                    f"{self.worker.processed if self.worker else 'no worker'}"
                )
            time.sleep(0.3)

    def state(self, document, attribute, field="main_file"):
        found = records.record(getattr(document, field), attribute)
        return found.state if found is not None else None


class TestOcr(WorkerTestCase):
    def setUp(self):
        super().setUp()
        require_tesseract(self)

    def test_scan_read_searchable_and_proposed(self):
        data, doc = tiny_scan()
        document = create_incoming(
            self.agency,
            main_file=NamedBlobFile(
                data, contentType="image/jpeg", filename="scan.jpg"
            ),
        )
        self.assertEqual(self.state(document, records.OCR_ATTRIBUTE), records.PENDING)
        self.assertEqual(self.queue_state(), [("ocr", "main_file", "pending", 0)])
        transaction.commit()
        # Pending shows on the page and in REST before any worker runs.
        reading = self.clerk.get(f"{document.absolute_url()}/@reading").json()
        self.assertEqual(reading["files"][0]["ocr"]["state"], "pending")
        page = self.clerk.get(document.absolute_url(), headers={"Accept": "text/html"})
        self.assertIn('data-state="pending"', page.text)
        self.start_worker()
        self.wait_for(
            "OCR of a one-page scan",
            lambda: self.state(document, records.OCR_ATTRIBUTE) != records.PENDING,
            OCR_WAIT,
        )
        record = records.record(document.main_file, records.OCR_ATTRIBUTE)
        self.assertEqual(record.state, records.DONE, record.reason)
        self.assertEqual(self.queue_state(), [])
        self.assertEqual(record.data["pages"], 1)
        # The original is unchanged; the searchable PDF is beside it.
        self.assertEqual(document.main_file.data, data)
        pdf = self.clerk.get(f"{document.absolute_url()}/@@searchable-pdf/main_file")
        self.assertEqual(pdf.status_code, 200)
        self.assertTrue(pdf.content.startswith(b"%PDF"))
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        missing = self.clerk.get(f"{document.absolute_url()}/@@searchable-pdf/other")
        self.assertEqual(missing.status_code, 404)
        # Searchable without diacritics: the signer's name, as typed fast.
        catalog = api.portal.get_tool("portal_catalog")
        uids = [
            brain.UID
            for brain in catalog.unrestrictedSearchResults(
                SearchableText=folded(doc["signer_name"])
            )
        ]
        self.assertIn(document.UID(), uids)
        # Proposals over HTTP, from the OCR'd text.
        proposals = self.clerk.get(f"{document.absolute_url()}/@proposals").json()
        self.assertEqual(proposals["source"], "ocr")
        fields = proposals["fields"]
        self.assertEqual(fields["number_symbol"], doc["number_symbol"])
        self.assertEqual(fields["document_date"], doc["date"])
        self.assertEqual(fields["signer_name"], doc["signer_name"])
        self.assertEqual(fields["recipients"], doc["recipients"])
        # The register form shows them, marked as proposed.
        page = self.clerk.get(
            f"{document.absolute_url()}/@@transition?workflow_action=register",
            headers={"Accept": "text/html"},
        )
        self.assertIn("transition-proposals", page.text)
        self.assertIn(doc["signer_name"], page.text)
        # The document page says the text was read by OCR.
        page = self.clerk.get(document.absolute_url(), headers={"Accept": "text/html"})
        self.assertIn('data-state="done"', page.text)

    def test_hostile_scan_fails_cleanly(self):
        from PIL import Image

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
        self.wait_for(
            "refusal of an image bomb",
            lambda: self.state(document, records.OCR_ATTRIBUTE) != records.PENDING,
        )
        record = records.record(document.main_file, records.OCR_ATTRIBUTE)
        self.assertEqual(record.state, records.FAILED)
        self.assertIn("megapixels", record.reason)
        self.assertEqual(self.queue_state(), [])
        reading = self.clerk.get(f"{document.absolute_url()}/@reading").json()
        self.assertEqual(reading["files"][0]["ocr"]["state"], "failed")
        self.assertIn("megapixels", reading["files"][0]["ocr"]["reason"])
        page = self.clerk.get(document.absolute_url(), headers={"Accept": "text/html"})
        self.assertIn("megapixels", page.text)


class TestQueueing(WorkerTestCase):
    """What is queued when a file arrives (no worker needed)."""

    def test_text_layer_is_not_ocred(self):
        pdf = ca.simple_pdf("Công văn về việc triển khai chữ ký số " * 4)
        document = create_incoming(
            self.agency,
            main_file=NamedBlobFile(
                pdf, contentType="application/pdf", filename="cv.pdf"
            ),
        )
        self.assertIsNone(self.state(document, records.OCR_ATTRIBUTE))
        self.assertEqual(self.queue_state(), [])

    def test_scanned_pdf_is_queued_unless_ocr_is_off(self):
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("L", (850, 1100), 255).save(buffer, "PDF", resolution=100)
        document = create_incoming(
            self.agency,
            main_file=NamedBlobFile(
                buffer.getvalue(), contentType="application/pdf", filename="s.pdf"
            ),
        )
        self.assertEqual(self.state(document, records.OCR_ATTRIBUTE), records.PENDING)
        self.assertEqual(self.queue_state(), [("ocr", "main_file", "pending", 0)])
        api.portal.set_registry_record("phutho.intranet.reading.ocr_enabled", False)
        other = create_incoming(
            self.agency,
            number_symbol="126/BTTTT-CĐSQG",
            main_file=NamedBlobFile(
                buffer.getvalue(), contentType="application/pdf", filename="s.pdf"
            ),
        )
        self.assertIsNone(self.state(other, records.OCR_ATTRIBUTE))
        self.assertEqual(len(self.queue_state()), 1)


class TestSignatures(WorkerTestCase):
    def test_signature_checked_and_flagged(self):
        root = ca.CA()
        root.write_root(self.directory)
        api.portal.set_registry_record(
            "phutho.intranet.reading.trust_roots", self.directory
        )
        text = "Công văn về việc triển khai chữ ký số trong cơ quan nhà nước " * 3
        trusted = ca.sign(ca.simple_pdf(text), root.signer("Lê Văn C", "Sở Nội vụ"))
        stranger = ca.CA("Untrusted root")
        untrusted = ca.sign(ca.simple_pdf(text), stranger.signer("Ngô Văn F", "X"))
        good = create_incoming(
            self.agency,
            main_file=NamedBlobFile(
                trusted, contentType="application/pdf", filename="good.pdf"
            ),
        )
        bad = create_incoming(
            self.agency,
            number_symbol="126/BTTTT-CĐSQG",
            main_file=NamedBlobFile(
                untrusted, contentType="application/pdf", filename="bad.pdf"
            ),
        )
        # A PDF with a text layer: only the signature check is queued.
        self.assertEqual(
            sorted(self.queue_state()),
            [("verify", "main_file", "pending", 0)] * 2,
        )
        transaction.commit()
        pending = self.clerk.get(f"{bad.absolute_url()}/@reading").json()
        self.assertEqual(pending["signature_status"], "pending")
        self.start_worker()
        self.wait_for(
            "signature checks",
            lambda: not self.queue_state()
            and self.state(good, records.SIGNATURES_ATTRIBUTE) == records.DONE
            and self.state(bad, records.SIGNATURES_ATTRIBUTE) == records.DONE,
        )
        reading = self.clerk.get(f"{bad.absolute_url()}/@reading").json()
        self.assertEqual(reading["signature_status"], "invalid")
        self.assertIsNone(reading["files"][0]["ocr"])
        item = reading["files"][0]["signatures"]["items"][0]
        self.assertEqual(item["signer"], "Ngô Văn F")
        self.assertEqual(item["field"], "Signature1")
        self.assertIn("untrusted", item["problems"])
        self.assertEqual(item["revocation"], "not_checked")
        reading = self.clerk.get(f"{good.absolute_url()}/@reading").json()
        self.assertEqual(reading["signature_status"], "valid")
        self.assertEqual(
            reading["files"][0]["signatures"]["items"][0]["signer"], "Lê Văn C"
        )
        # Only the failing one is flagged on the dashboard.
        catalog = api.portal.get_tool("portal_catalog")
        flagged = [
            brain.UID
            for brain in catalog.unrestrictedSearchResults(signature_status="invalid")
        ]
        self.assertEqual(flagged, [bad.UID()])
        dashboard = self.clerk.get(
            f"{self.agency.absolute_url()}/@@documents-dashboard",
            headers={"Accept": "text/html"},
        )
        self.assertEqual(dashboard.status_code, 200)
        self.assertEqual(dashboard.text.count("Chữ ký lỗi"), 1, "one flag")
        page = self.clerk.get(bad.absolute_url(), headers={"Accept": "text/html"})
        self.assertIn('data-status="invalid"', page.text)
        self.assertIn("Ngô Văn F", page.text)


class TestAgencySignature(WorkerTestCase):
    """Issuing signs the PDF with the agency's certificate in the worker;
    the deliveries outside the portal wait for the signed file."""

    def setUp(self):
        super().setUp()
        self.ca = ca.CA()
        self.ca.write_root(self.directory)
        key = os.path.join(self.directory, "so-khcn.p12")
        self.ca.pkcs12(key, "Sở Khoa học và Công nghệ", "Sở KH&CN Phú Thọ", "mật")
        os.environ["PHUTHO_TEST_AGENCY_KEY"] = "mật"
        self.addCleanup(os.environ.pop, "PHUTHO_TEST_AGENCY_KEY", None)
        self.exchange_dir = os.path.join(self.directory, "exchange")
        record = api.portal.set_registry_record
        record("phutho.intranet.reading.trust_roots", self.directory)
        record("phutho.intranet.reading.sign_on_issue", True)
        record(
            "phutho.intranet.reading.agency_keys",
            [f"{self.agency.organ_id} | {key} | env:PHUTHO_TEST_AGENCY_KEY"],
        )
        record("phutho.intranet.exchange.directory", self.exchange_dir)
        transaction.commit()

    def issue(self):
        """A draft PDF of Sở KH&CN for Sở Nội vụ (inside the portal), Văn
        phòng Chính phủ (exchange) and a mailbox, issued."""
        login(self.portal, "chuyenvien.sokhcn")
        draft = ca.simple_pdf("Công văn về việc báo cáo ứng dụng CNTT " * 4)
        document = create_outgoing(
            self.agency,
            "cntt",
            draft_file=NamedBlobFile(
                draft, contentType="application/pdf", filename="cv.pdf"
            ),
            internal_recipients=[agency(self.portal, "so-noi-vu").UID()],
            external_recipients=[
                "Văn phòng Chính phủ | 000.00.00.G22 |",
                "Công ty X | | vanthu@congty-x.example",
            ],
        )
        run_transitions(self.portal, document, OUTGOING_TO_ISSUED)
        login(self.portal, TEST_USER_NAME)
        return document, draft

    def outbox(self):
        from phutho.intranet.exchange.outbox import items

        return items(self.agency)

    def dropped(self):
        """The messages the directory transport wrote for the exchange."""
        from pathlib import Path

        folder = Path(self.exchange_dir, self.agency.organ_id, "outbox")
        return sorted(folder.glob("*/*.edxml")) if folder.exists() else []

    def test_deliveries_wait_for_the_signed_file(self):
        from phutho.intranet.signatures.verify import load_trust_roots
        from phutho.intranet.signatures.verify import verify_pdf
        from phutho.intranet.workflow.delivery import deliveries_of
        from phutho.intranet.workflow.history import history_of

        document, draft = self.issue()
        self.assertEqual(api.content.get_state(document), "issued")
        # Issued: numbered, delivered inside the portal, the signature
        # queued; nothing sent outside yet.
        self.assertEqual(self.outbox(), [])
        self.assertEqual(
            self.state(document, records.SIGNING_ATTRIBUTE, "draft_file"),
            records.PENDING,
        )
        self.assertIn(("sign", "draft_file", "pending", 0), self.queue_state())
        (copy_uid,) = deliveries_of(document).values()
        copy = api.content.get(UID=copy_uid)
        self.assertEqual(copy.main_file.data, draft)
        transaction.commit()
        self.assertEqual(self.dropped(), [])
        page = self.clerk.get(document.absolute_url(), headers={"Accept": "text/html"})
        self.assertIn('class="phutho-agency-signing" data-state="pending"', page.text)
        self.start_worker()
        self.wait_for(
            "the agency's signature and the deliveries",
            lambda: len(self.outbox()) == 2 and not self.queue_state(),
        )
        roots = load_trust_roots(self.directory)
        signed = document.draft_file.data
        self.assertNotEqual(signed, draft)
        checked = verify_pdf(io.BytesIO(signed), roots, check_revocation=False)
        self.assertEqual(checked["status"], "valid")
        (signature,) = checked["signatures"]
        self.assertEqual(signature["signer"], "Sở Khoa học và Công nghệ")
        actions = [entry["action"] for entry in history_of(document)]
        self.assertIn("agency_signed", actions)
        # Each message carries the signed file: the exchange's, written by
        # the directory transport, and the mail's (held: no mail queue).
        for item in self.outbox():
            self.assertEqual(
                attached_files(item.data())["cv.pdf"], signed, item.recipient
            )
        by_transport = {item.transport: item.status for item in self.outbox()}
        self.assertEqual(by_transport, {"directory": "sent", "mail": "held"})
        (dropped,) = self.dropped()
        self.assertEqual(attached_files(dropped.read_bytes())["cv.pdf"], signed)
        # The copy inside the portal got the signed file too.
        copy = api.content.get(UID=copy_uid)
        self.assertEqual(copy.main_file.data, signed)
        self.assertIn("agency_signed", [e["action"] for e in history_of(copy)])

    def test_failed_signature_still_delivers_and_says_why(self):
        from phutho.intranet.workflow.history import history_of

        api.portal.set_registry_record("phutho.intranet.reading.agency_keys", [])
        transaction.commit()
        document, draft = self.issue()
        transaction.commit()
        self.assertEqual(self.outbox(), [])
        self.start_worker()
        self.wait_for(
            "the failed signature and the deliveries",
            lambda: len(self.outbox()) == 2 and not self.queue_state(),
        )
        self.assertEqual(document.draft_file.data, draft)
        record = records.record(document.draft_file, records.SIGNING_ATTRIBUTE)
        self.assertEqual(record.state, records.FAILED)
        self.assertIn("no certificate", record.reason)
        (entry,) = [
            e for e in history_of(document) if e["action"] == "agency_signing_failed"
        ]
        self.assertIn("no certificate", entry["reason"])
        reading = self.clerk.get(f"{document.absolute_url()}/@reading").json()
        (draft_reading,) = [f for f in reading["files"] if f["field"] == "draft_file"]
        self.assertEqual(draft_reading["agency_signing"]["state"], "failed")
        page = self.clerk.get(document.absolute_url(), headers={"Accept": "text/html"})
        self.assertIn('class="phutho-agency-signing" data-state="failed"', page.text)
        self.assertIn("no certificate", page.text)

    def test_without_agency_signing_deliveries_go_at_issue(self):
        api.portal.set_registry_record("phutho.intranet.reading.sign_on_issue", False)
        transaction.commit()
        document, draft = self.issue()
        self.assertEqual(len(self.outbox()), 2)
        self.assertNotIn("sign", [job[0] for job in self.queue_state()])


class TestUpgrade(WorkerTestCase):
    def test_upgrade_step(self):
        from phutho.intranet.upgrades.v1006 import add_signature_index
        from phutho.intranet.upgrades.v1006 import queue_existing_files

        catalog = api.portal.get_tool("portal_catalog")
        catalog.delIndex("signature_status")
        catalog.delColumn("signature_status")
        add_signature_index(None)
        self.assertIn("signature_status", catalog.indexes())
        self.assertIn("signature_status", catalog.schema())
        # Files stored before 1006 are queued once.
        signed = ca.sign(ca.simple_pdf("Văn bản cũ " * 10), ca.CA().signer("A", "B"))
        document = create_incoming(
            self.agency,
            main_file=NamedBlobFile(
                signed, contentType="application/pdf", filename="old.pdf"
            ),
        )
        jobs = queue.jobs_of(self.portal)
        jobs.clear()
        delattr(document.main_file, records.SIGNATURES_ATTRIBUTE)
        queue_existing_files(None)
        self.assertEqual(self.queue_state(), [("verify", "main_file", "pending", 0)])
        self.assertEqual(
            catalog.unrestrictedSearchResults(UID=document.UID())[0].signature_status,
            "pending",
        )
        queue_existing_files(None)
        self.assertEqual(len(self.queue_state()), 1, "queued once")


class TestProposalsEndpoint(WorkerTestCase):
    """``POST <agency>/@proposals`` (a file before the document exists)
    and ``GET <document>/@proposals``, over HTTP."""

    def post(self, session, data, filename="cv.pdf", content_type="application/pdf"):
        import base64

        return session.post(
            f"{self.agency.absolute_url()}/@proposals",
            json={
                "file": {
                    "data": base64.b64encode(data).decode(),
                    "filename": filename,
                    "content-type": content_type,
                }
            },
        )

    def test_native_pdf(self):
        corpus = load_script("ocr_corpus")
        doc = corpus.make_document(random.Random(5), 0)
        response = self.post(self.clerk, corpus.render_pdf(doc))
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertFalse(body["ocr_needed"])
        self.assertEqual(body["source"], "text")
        fields = body["fields"]
        self.assertEqual(fields["number_symbol"], doc["number_symbol"])
        self.assertEqual(fields["document_date"], doc["date"])
        self.assertEqual(fields["document_type"], doc["document_type"])
        self.assertEqual(fields["title"], doc["subject"])
        self.assertEqual(fields["recipients"], doc["recipients"])
        # Nothing was created.
        catalog = api.portal.get_tool("portal_catalog")
        self.assertFalse(
            [
                b
                for b in catalog.unrestrictedSearchResults(
                    portal_type="IncomingDocument"
                )
                if b.number_symbol == doc["number_symbol"]
            ]
        )

    def test_scan_needs_ocr(self):
        data, _doc = tiny_scan()
        response = self.post(self.clerk, data, "scan.jpg", "image/jpeg")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(
            response.json(), {"fields": {}, "source": None, "ocr_needed": True}
        )

    def test_refusals(self):
        url = f"{self.agency.absolute_url()}/@proposals"
        no_file = self.clerk.post(url, json={"nothing": 1})
        self.assertEqual(no_file.status_code, 400)
        self.assertEqual(no_file.json()["error"]["field"], "file")
        bad = self.clerk.post(url, json={"file": {"data": "!!not base64!!"}})
        self.assertEqual(bad.status_code, 400)
        api.portal.set_registry_record("phutho.intranet.reading.ocr_max_file_mb", 1)
        transaction.commit()
        large = self.post(self.clerk, b"%PDF-1.4 " + b"0" * (2 * 1024 * 1024))
        self.assertEqual(large.status_code, 413)
        broken = self.post(self.clerk, b"%PDF-1.4 broken")
        self.assertEqual(broken.status_code, 200)
        self.assertEqual(broken.json()["fields"], {})
        anonymous = RestSession(self.portal.absolute_url())
        self.assertEqual(self.post(anonymous, b"%PDF-1.4").status_code, 401)
        # Another agency's clerk may not add documents here.
        other = RestSession(
            self.portal.absolute_url(), auth=("vanthu.snv", DEMO_PASSWORD)
        )
        self.assertIn(self.post(other, b"%PDF-1.4").status_code, (401, 403))

    def test_get_on_a_document(self):
        corpus = load_script("ocr_corpus")
        doc = corpus.make_document(random.Random(6), 0)
        document = create_incoming(
            self.agency,
            main_file=NamedBlobFile(
                corpus.render_pdf(doc),
                contentType="application/pdf",
                filename="cv.pdf",
            ),
        )
        transaction.commit()
        response = self.clerk.get(f"{document.absolute_url()}/@proposals")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["@id"], f"{document.absolute_url()}/@proposals")
        self.assertEqual(body["source"], "text")
        self.assertEqual(body["fields"]["signer_name"], doc["signer_name"])
        self.assertIsNone(body["ocr"])
        anonymous = RestSession(self.portal.absolute_url())
        self.assertEqual(
            anonymous.get(f"{document.absolute_url()}/@proposals").status_code, 401
        )


class TestUpgradeSteps(unittest.TestCase):
    """1005 → 1006 (registry records without resetting others) and
    1007 → 1008 (the proposals bundle in the resource registry)."""

    layer = PHUTHO_DEMO_SERVER_TESTING

    def test_reading_settings_keep_values(self):
        from phutho.intranet.upgrades.v1006 import reading_settings
        from plone.registry.interfaces import IRegistry
        from zope.component import getUtility

        registry = getUtility(IRegistry)
        name = "phutho.intranet.reading.ocr_max_pages"
        registry[name] = 7
        del registry.records["phutho.intranet.reading.trust_roots"]
        types = list(registry["phutho.intranet.document_types"])
        registry["phutho.intranet.document_types"] = types[:3]
        reading_settings(None)
        self.assertEqual(registry[name], 7)
        self.assertEqual(registry["phutho.intranet.reading.trust_roots"], "")
        self.assertEqual(registry["phutho.intranet.document_types"], types[:3])

    def test_proposals_bundle(self):
        from phutho.intranet.upgrades.v1008 import BUNDLE
        from phutho.intranet.upgrades.v1008 import proposals_bundle
        from plone.registry.interfaces import IRegistry
        from zope.component import getUtility

        registry = getUtility(IRegistry)
        profile = {
            key[len(BUNDLE) + 1 :]: registry[key]
            for key in registry.records.keys()
            if key.startswith(BUNDLE + ".")
        }
        self.assertEqual(
            profile["jscompilation"], "++plone++phutho.intranet/proposals.js"
        )
        for key in list(registry.records.keys()):
            if key.startswith(BUNDLE + "."):
                del registry.records[key]
        proposals_bundle(None)
        upgraded = {
            key[len(BUNDLE) + 1 :]: registry[key]
            for key in registry.records.keys()
            if key.startswith(BUNDLE + ".")
        }
        self.assertEqual(upgraded, profile)


class TestControlPanel(unittest.TestCase):
    """``@@reading-controlpanel``: in Site Setup, for webmasters only."""

    layer = PHUTHO_DEMO_SERVER_TESTING

    def test_webmaster_sets_the_limits(self):
        from phutho.intranet.testing import signed_in_browser

        app = self.layer["app"]
        portal = self.layer["portal"]
        browser = signed_in_browser(app, "quantri")
        browser.open(f"{portal.absolute_url()}/@@overview-controlpanel")
        self.assertIn("@@reading-controlpanel", browser.contents)
        self.assertIn("Đọc văn bản (nhận dạng chữ, chữ ký số)", browser.contents)
        browser.open(f"{portal.absolute_url()}/@@reading-controlpanel")
        browser.getControl(name="form.widgets.ocr_max_pages").value = "20"
        browser.getControl(name="form.widgets.trust_roots").value = "/etc/phutho/roots"
        browser.getControl(name="form.buttons.save").click()
        transaction.begin()
        portal._p_jar.sync()
        record = "phutho.intranet.reading."
        self.assertEqual(api.portal.get_registry_record(record + "ocr_max_pages"), 20)
        self.assertEqual(
            api.portal.get_registry_record(record + "trust_roots"), "/etc/phutho/roots"
        )
        # A clerk is refused (Plone's login page, not the form).
        clerk = signed_in_browser(app, "vanthu.sokhcn", handle_errors=True)
        clerk.raiseHttpErrors = False
        clerk.open(f"{portal.absolute_url()}/@@reading-controlpanel")
        self.assertNotIn("form.widgets.ocr_max_pages", clerk.contents)
        self.assertNotIn("/@@reading-controlpanel", clerk.url.split("came_from")[0])

    def test_upgrade_adds_the_configlet(self):
        from phutho.intranet.upgrades.v1008 import CONFIGLET
        from phutho.intranet.upgrades.v1008 import reading_configlet

        tool = api.portal.get_tool("portal_controlpanel")
        ids = [action.getId() for action in tool.listActions()]
        self.assertIn(CONFIGLET, ids)
        tool.unregisterConfiglet(CONFIGLET)
        reading_configlet(None)
        reading_configlet(None)
        (configlet,) = [a for a in tool.listActions() if a.getId() == CONFIGLET]
        self.assertEqual(configlet.title.domain, "phutho.intranet")
        self.assertEqual(configlet.permissions, ("Plone Site Setup: Site",))
