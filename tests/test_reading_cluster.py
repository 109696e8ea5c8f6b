"""Reading in the cluster ``make cluster`` starts (tests/test_cluster.py's
layer: two instances on RelStorage behind HAProxy, which run no reading
worker, and one ``phutho-worker`` process beside them): a scan and a
signed PDF posted through HAProxy are read and checked by that process,
their state seen over HTTP from either instance."""

from phutho.intranet.signatures import testing as ca
from phutho.intranet.testing_instances import DEMO_PASSWORD
from phutho.intranet.testing_programs import require
from test_cluster import CLUSTER
from test_cluster import demo_agency
from test_cluster import NEEDS
from test_cluster import programs_available
from test_reading import require_tesseract
from test_reading_worker import tiny_scan

import base64
import json
import requests
import time
import unittest

# A page of OCR in a worker sharing 2 cores with the whole cluster.
WAIT = 240


@require(programs_available(), NEEDS)
class TestReadingInTheCluster(unittest.TestCase):
    layer = CLUSTER

    def setUp(self):
        require_tesseract(self)
        self.cluster = self.layer["cluster"]
        self.agency, self.clerk, _mailbox = demo_agency()
        self.session = requests.Session()
        self.session.auth = (self.clerk, DEMO_PASSWORD)
        self.session.headers.update(
            {"Accept": "application/json", "Content-Type": "application/json"}
        )
        self.addCleanup(self.session.close)

    def post(self, number, data, filename, content_type):
        response = self.session.post(
            f"{self.cluster.url}/co-quan/{self.agency}",
            data=json.dumps(
                {
                    "@type": "IncomingDocument",
                    "title": "Văn bản đọc trong cụm máy chủ",
                    "document_type": "cong-van",
                    "sender_name": "Văn phòng Chính phủ",
                    "sender_organ_id": "000.00.00.G22",
                    "number_symbol": number,
                    "document_date": "2026-11-20",
                    "main_file": {
                        "data": base64.b64encode(data).decode(),
                        "encoding": "base64",
                        "filename": filename,
                        "content-type": content_type,
                    },
                }
            ),
            timeout=120,
        )
        self.assertEqual(response.status_code, 201, response.text[:500])
        return response.json()["@id"]

    def reading(self, url, done):
        """Poll ``@reading`` through HAProxy until ``done(answer)``."""
        started = time.monotonic()
        while True:
            answer = self.session.get(f"{url}/@reading", timeout=60).json()
            if done(answer):
                return answer
            if time.monotonic() - started > WAIT:
                self.fail(f"not read after {WAIT} s: {answer}")
            time.sleep(1)

    def test_worker_process_reads_and_checks(self):
        tag = time.time_ns() % 100000
        scan, doc = tiny_scan()
        scan_url = self.post(f"{tag}/VPCP-QUET", scan, "quet.jpg", "image/jpeg")
        root = ca.CA()
        signed = ca.sign(
            ca.simple_pdf("Công văn về việc thử chữ ký số trong cụm " * 3),
            root.signer("Lê Văn C", "Văn phòng Chính phủ"),
        )
        signed_url = self.post(f"{tag}/VPCP-KY", signed, "ky.pdf", "application/pdf")
        answer = self.reading(
            signed_url, lambda a: a["files"][0]["signatures"]["state"] != "pending"
        )
        (item,) = answer["files"][0]["signatures"]["items"]
        self.assertEqual(item["signer"], "Lê Văn C")
        # No trust root is configured in the cluster: untrusted, flagged.
        self.assertEqual(answer["signature_status"], "invalid")
        self.assertIn("untrusted", item["problems"])
        answer = self.reading(
            scan_url, lambda a: a["files"][0]["ocr"]["state"] != "pending"
        )
        self.assertEqual(answer["files"][0]["ocr"]["state"], "done", answer)
        proposals = self.session.get(f"{scan_url}/@proposals", timeout=60).json()
        self.assertEqual(proposals["source"], "ocr")
        self.assertEqual(proposals["fields"]["number_symbol"], doc["number_symbol"])
        # The work was done by the separate process (the instances run
        # none): its log names both jobs.
        log = (self.cluster.var / "log" / "worker.log").read_text(errors="replace")
        self.assertRegex(log, r"job \S+ \(ocr\) done")
        self.assertRegex(log, r"job \S+ \(verify\) done")
