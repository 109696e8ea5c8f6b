"""The hostile mail corpus (scripts/mail_corpus.py, 70+ messages) through
the ingester's SMTP listener into the portal: every message gets its
documented outcome, nothing is half-created, HTML is shown sanitised."""

from phutho.intranet.mail.account import ensure_service_account
from phutho.intranet.mailin.receive import received_index
from phutho.intranet.mailin.testing import IngesterThread
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import signed_in_browser
from plone import api
from plone.app.uuid.utils import uuidToObject

import importlib.util
import json
import os
import shutil
import smtplib
import tempfile
import transaction
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
USER, PASSWORD = "mailin", "Mailin@2026-corpus"


def load_corpus_script():
    spec = importlib.util.spec_from_file_location(
        "mail_corpus", os.path.join(ROOT, "scripts", "mail_corpus.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestHostileCorpus(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        ensure_service_account(USER, PASSWORD)
        transaction.commit()
        self.directory = tempfile.mkdtemp(prefix="corpus-")
        self.manifest = load_corpus_script().write(self.directory, large=True)
        self.ingester = IngesterThread(
            self.portal.absolute_url(), USER, PASSWORD
        ).start()

    def tearDown(self):
        self.ingester.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def received(self):
        transaction.begin()
        self.portal._p_jar.sync()
        return dict(received_index(self.portal).items())

    def incoming_total(self):
        catalog = api.portal.get_tool("portal_catalog")
        return len(catalog.unrestrictedSearchResults(portal_type="IncomingDocument"))

    def send(self, entry):
        with open(os.path.join(self.directory, entry["file"]), "rb") as stream:
            data = stream.read()
        with smtplib.SMTP("127.0.0.1", self.ingester.port, timeout=120) as smtp:
            try:
                refused = smtp.sendmail("sender@corpus.example", entry["rcpt"], data)
            except smtplib.SMTPRecipientsRefused as error:
                return {a: code for a, (code, _r) in error.recipients.items()}, 550
            except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
                return {}, error.smtp_code
        return {a: code for a, (code, _r) in refused.items()}, 250

    def test_every_message_gets_its_documented_outcome(self):
        self.assertGreaterEqual(len(self.manifest), 60)
        outcomes = {}
        created_total = 0
        for entry in self.manifest:
            name = entry["name"]
            before = self.received()
            total_before = self.incoming_total()
            refused_rcpt, code = self.send(entry)
            after = self.received()
            new = {k: v for k, v in after.items() if k not in before}
            outcomes[name] = (code, len(new))
            self.assertEqual(code, entry["smtp"], name)
            if code == 250:
                self.assertEqual(
                    sorted(refused_rcpt), sorted(entry.get("refused_rcpt", [])), name
                )
            if entry["expect"] == "created":
                expected = entry["checks"].get("documents", 1)
                self.assertEqual(len(new), expected, name)
                created_total += expected
                for uid in new.values():
                    self.check(name, uuidToObject(uid, unrestricted=True), entry)
            else:
                self.assertEqual(new, {}, name)
            # Nothing half-created: the catalog grew by what the index says.
            self.assertEqual(self.incoming_total(), total_before + len(new), name)
        self.assertGreaterEqual(created_total, 50, outcomes)

    def check(self, name, doc, entry):
        checks = entry["checks"]
        self.assertIsNotNone(doc, name)
        self.assertEqual(api.content.get_state(doc), "received", name)
        self.assertEqual(doc.channel, "email", name)
        annexes = [a for a in doc.objectValues() if a.portal_type == "Annex"]
        names = [a.file.filename for a in annexes]
        self.assertIn("message/rfc822", [a.file.contentType for a in annexes], name)
        if doc.main_file is not None:
            names.append(doc.main_file.filename)
        title = doc.title
        self.assertTrue(title.strip(), name)
        self.assertLessEqual(len(title), 500, name)
        self.assertNotIn("\n", title, name)
        if "title" in checks:
            self.assertEqual(title, checks["title"], name)
        if "title_contains" in checks:
            self.assertIn(checks["title_contains"], title, name)
        if "title_max" in checks:
            self.assertLessEqual(len(title), checks["title_max"], name)
        if "title_absent" in checks:
            self.assertNotIn(checks["title_absent"], title, name)
        if "main" in checks:
            self.assertIsNotNone(doc.main_file, name)
            self.assertEqual(doc.main_file.filename, checks["main"], name)
        if checks.get("no_main"):
            self.assertIsNone(doc.main_file, name)
        for annex in checks.get("annexes", ()):
            self.assertIn(annex, names, name)
        if "annex_count" in checks:
            self.assertEqual(len(annexes), checks["annex_count"], name)
        if "number_symbol" in checks:
            self.assertEqual(doc.number_symbol, checks["number_symbol"], name)
        if "document_type" in checks:
            self.assertEqual(doc.document_type, checks["document_type"], name)
        if "summary_contains" in checks:
            self.assertIn(checks["summary_contains"], doc.description, name)
        if "document_date" in checks:
            self.assertEqual(doc.document_date, checks["document_date"], name)
        if "sender_name" in checks:
            self.assertEqual(doc.sender_name, checks["sender_name"], name)
        for filename in names:
            self.assertNotIn("/", filename, name)
            self.assertLessEqual(len(filename), checks.get("name_max", 200), name)
            if "name_absent" in checks:
                self.assertNotIn(checks["name_absent"], filename, name)
        for bad in checks.get("absent", ()):
            self.assertNotIn(bad, doc.mail_body_html or "", name)
            self.assertNotIn(bad, doc.description or "", name)
        if checks.get("absent"):
            self.check_page(name, doc, checks["absent"])

    def check_page(self, name, doc, absent):
        """The clerk's page shows the mail's HTML, sanitised."""
        browser = signed_in_browser(self.layer["app"], "vanthu.sokhcn")
        browser.open(doc.absolute_url())
        self.assertIn("phutho-mail-html", browser.contents, name)
        for bad in absent:
            fragment = browser.contents.split("phutho-mail-body", 1)[1].split(
                "</section>", 1
            )[0]
            self.assertNotIn(bad, fragment, name)


class TestCorpusScript(unittest.TestCase):
    def test_writes_a_manifest_of_at_least_sixty(self):
        directory = tempfile.mkdtemp(prefix="corpus-")
        try:
            manifest = load_corpus_script().write(directory)
            with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as f:
                self.assertEqual(json.load(f), manifest)
            self.assertGreaterEqual(len(manifest), 60)
            self.assertEqual(len(os.listdir(directory)), len(manifest) + 1)
        finally:
            shutil.rmtree(directory)
