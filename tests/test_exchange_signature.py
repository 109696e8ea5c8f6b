"""XML-DSig with a throw-away CA made here (cryptography).

- A message signed with a certificate of that CA is received as valid,
  with signer, issuer and dates stored and shown (page and REST); tampered
  after signing it is invalid; unsigned it is unsigned; a signature over
  part of the message only is invalid.
- Exported messages are signed when a key and certificate are configured,
  as PEM files (registry) or a PKCS#12 file with its password
  (environment), and the export verifies (and chains to the CA when it is
  the trusted one).
"""

from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path
from phutho.intranet.exchange import api as exchange
from phutho.intranet.exchange.outbox import items as outbox_items
from phutho.intranet.exchange.reader import parse
from phutho.intranet.exchange.signature import configured_signer
from phutho.intranet.exchange.signature import signer_for
from phutho.intranet.exchange.signature import verify
from phutho.intranet.exchange.writer import serialize
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import OUTGOING_TO_ISSUED
from phutho.intranet.testing import PHUTHO_DEMO_INTEGRATION_TESTING
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import run_transitions
from plone import api
from plone.app.testing import login

import importlib.util
import lxml.etree
import lxml.html
import os
import requests
import shutil
import tempfile
import transaction
import unittest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location(
    "edxml_corpus", ROOT / "scripts" / "edxml_corpus.py"
)
CORPUS = importlib.util.module_from_spec(spec)
spec.loader.exec_module(CORPUS)

DSIG = "{http://www.w3.org/2000/09/xmldsig#}"


def local_now():
    """Now in Asia/Ho_Chi_Minh, naive (how documents store date-times)."""
    from phutho.intranet.dates import now

    return now().replace(tzinfo=None)


SIGNING_ENV = (
    "PHUTHO_EXCHANGE_SIGNING_KEY",
    "PHUTHO_EXCHANGE_SIGNING_CERT",
    "PHUTHO_EXCHANGE_SIGNING_PKCS12",
    "PHUTHO_EXCHANGE_SIGNING_PASSWORD",
    "PHUTHO_EXCHANGE_TRUSTED_CA",
)


class ThrowAwayCA:
    """A CA and certificates it issues, as files in a temporary folder."""

    def __init__(self, name="CA thử nghiệm Phú Thọ"):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID

        self.x509, self.hashes, self.rsa, self.oid = x509, hashes, rsa, NameOID
        self.folder = Path(tempfile.mkdtemp(prefix="ca-"))
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.now(timezone.utc)
        ski = x509.SubjectKeyIdentifier.from_public_key(self.key.public_key())
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(self.name)
            .issuer_name(self.name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                True,
            )
            .add_extension(ski, False)
            .sign(self.key, hashes.SHA256())
        )
        self.pem = self.write("ca.pem", self.certificate_pem(self.certificate))

    def certificate_pem(self, certificate):
        from cryptography.hazmat.primitives import serialization

        return certificate.public_bytes(serialization.Encoding.PEM)

    def write(self, name, data):
        path = self.folder / name
        path.write_bytes(data)
        return str(path)

    def issue(self, common_name, organization="UBND tỉnh Phú Thọ", days=365):
        """``(key, certificate)`` of a signer."""
        x509, NameOID = self.x509, self.oid
        key = self.rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = datetime.now(timezone.utc)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name(
                    [
                        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
                    ]
                )
            )
            .issuer_name(self.name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(min(now, now + timedelta(days=days)) - timedelta(days=30))
            .not_valid_after(now + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                True,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.key.public_key()
                ),
                False,
            )
            .sign(self.key, self.hashes.SHA256())
        )
        return key, certificate

    def pem_files(self, key, certificate, prefix="signer"):
        from cryptography.hazmat.primitives import serialization

        key_path = self.write(
            f"{prefix}.key",
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
        return key_path, self.write(f"{prefix}.pem", self.certificate_pem(certificate))

    def pkcs12_file(self, key, certificate, password):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.serialization import pkcs12

        data = pkcs12.serialize_key_and_certificates(
            b"signer",
            key,
            certificate,
            [self.certificate],
            serialization.BestAvailableEncryption(password.encode()),
        )
        return self.write("signer.p12", data)

    def sign(self, data, key, certificate):
        """``data`` (a message) signed as the portal signs its own."""
        root = parse(data)
        return serialize(signer_for(key, [self.certificate_pem(certificate)])(root))

    def cleanup(self):
        shutil.rmtree(self.folder, ignore_errors=True)


class EnvironmentCleared:
    """Signing settings of the environment removed for a test and put back."""

    def setUp(self):
        self._saved = {name: os.environ.pop(name, None) for name in SIGNING_ENV}

    def tearDown(self):
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class TestVerify(EnvironmentCleared, unittest.TestCase):
    """What the check finds, on messages signed here."""

    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def setUp(self):
        super().setUp()
        self.ca = ThrowAwayCA()
        self.addCleanup(self.ca.cleanup)
        self.key, self.certificate = self.ca.issue("Văn thư Văn phòng Chính phủ")
        self.message = CORPUS.document("000.00.20.H43")
        self.signed = self.ca.sign(self.message, self.key, self.certificate)

    def test_valid(self):
        root = parse(self.signed)
        (signature,) = root.iter(f"{DSIG}Signature")
        self.assertEqual(
            lxml.etree.QName(signature.getparent()).localname, "edXMLHeader"
        )
        result = verify(root)
        self.assertEqual(result.status, "valid", result.reason)
        self.assertEqual(result.reason, "")
        self.assertEqual(
            result.signer, "O=UBND tỉnh Phú Thọ,CN=Văn thư Văn phòng Chính phủ"
        )
        self.assertEqual(result.issuer, "CN=CA thử nghiệm Phú Thọ")
        self.assertLess(result.valid_from, local_now())
        self.assertGreater(result.valid_until, local_now() + timedelta(days=300))
        self.assertIsNone(result.trusted)  # no trusted CA configured

    def test_trust(self):
        api.portal.set_registry_record(
            "phutho.intranet.exchange.trusted_ca", self.ca.pem
        )
        self.assertIs(verify(parse(self.signed)).trusted, True)
        other = ThrowAwayCA("Another CA")
        self.addCleanup(other.cleanup)
        api.portal.set_registry_record("phutho.intranet.exchange.trusted_ca", other.pem)
        result = verify(parse(self.signed))
        self.assertEqual(result.status, "valid")  # intact, but from elsewhere
        self.assertIs(result.trusted, False)
        self.assertIn("not trusted", result.reason)

    def test_tampered(self):
        for old, new in (
            ("Về việc thử nghiệm".encode(), "Về việc sửa đổi".encode()),
            (b"<edXML:CodeNumber>15<", b"<edXML:CodeNumber>16<"),
            # The attachment is signed too.
            (b"<ContentId>cid:1</ContentId>", b"<ContentId>cid:2</ContentId>"),
        ):
            with self.subTest(new):
                tampered = self.signed.replace(old, new)
                self.assertNotEqual(tampered, self.signed)
                result = verify(parse(tampered))
                self.assertEqual(result.status, "invalid")
                self.assertIn("does not match", result.reason)
                self.assertTrue(result.signer)  # who claims to have signed

    def test_unsigned(self):
        result = verify(parse(self.message))
        self.assertEqual((result.status, result.signer), ("unsigned", ""))

    def test_part_of_the_message_signed(self):
        """A signature over one element only leaves the rest (attachments
        included) unsigned: invalid, whatever its own check says."""
        import signxml

        root = parse(self.message)
        header = root.find(".//{*}MessageHeader")
        header.set("Id", "header")
        signer = signxml.XMLSigner(
            method=signxml.methods.detached, digest_algorithm="sha256"
        )
        signature = signer.sign(
            header,
            key=self.key,
            cert=[self.ca.certificate_pem(self.certificate).decode()],
            reference_uri="#header",
        )
        root.find(".//{*}edXMLHeader").append(signature)
        result = verify(root)
        self.assertEqual(result.status, "invalid")
        self.assertIn("whole message", result.reason)

    def test_expired_certificate_reported(self):
        key, certificate = self.ca.issue("Hết hạn", days=-1)
        result = verify(parse(self.ca.sign(self.message, key, certificate)))
        self.assertEqual(result.status, "valid")
        self.assertIn("not valid today", result.reason)


class TestSignedExport(EnvironmentCleared, unittest.TestCase):
    """Exported messages are signed when a key and certificate are
    configured, and verify."""

    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def setUp(self):
        super().setUp()
        self.ca = ThrowAwayCA()
        self.key, self.certificate = self.ca.issue("Sở Khoa học và Công nghệ")
        self.addCleanup(self.ca.cleanup)
        portal = self.layer["portal"]
        login(portal, "chuyenvien.sokhcn")
        self.document = create_outgoing(
            agency(portal, "so-khcn"),
            "cntt",
            external_recipients=["Văn phòng Chính phủ | 000.00.00.G22 |"],
        )
        run_transitions(portal, self.document, OUTGOING_TO_ISSUED)

    def assertSignedBy(self, data, subject):
        root = parse(data)
        self.assertEqual(len(list(root.iter(f"{DSIG}Signature"))), 1)
        result = verify(root)
        self.assertEqual(result.status, "valid", result.reason)
        self.assertIn(subject, result.signer)
        self.assertEqual(result.issuer, "CN=CA thử nghiệm Phú Thọ")
        return result

    def test_unsigned_without_a_key(self):
        self.assertIsNone(configured_signer())
        self.assertEqual(
            verify(parse(exchange.export_message(self.document))).status, "unsigned"
        )

    def test_pem_files_in_the_registry(self):
        key_path, cert_path = self.ca.pem_files(self.key, self.certificate)
        api.portal.set_registry_record("phutho.intranet.exchange.signing_key", key_path)
        api.portal.set_registry_record(
            "phutho.intranet.exchange.signing_certificate", cert_path
        )
        api.portal.set_registry_record(
            "phutho.intranet.exchange.trusted_ca", self.ca.pem
        )
        data = exchange.export_message(self.document)
        result = self.assertSignedBy(data, "CN=Sở Khoa học và Công nghệ")
        self.assertIs(result.trusted, True)
        # What the recipient makes of it: the same document, signed.
        message = exchange.read_message(data)
        self.assertEqual(message.document_id, self.document.document_id)
        # Status messages are signed the same way: the 01 a received
        # document sends back.
        receiver = agency(self.layer["portal"], "so-noi-vu")
        exchange.import_message(receiver, CORPUS.document(receiver.organ_id))
        (status,) = [i for i in outbox_items(receiver) if i.kind == "status"]
        self.assertEqual(exchange.read_message(status.data()).status_code, "01")
        self.assertSignedBy(status.data(), "CN=Sở Khoa học và Công nghệ")

    def test_pkcs12_in_the_environment(self):
        os.environ["PHUTHO_EXCHANGE_SIGNING_PKCS12"] = self.ca.pkcs12_file(
            self.key, self.certificate, "mật-khẩu"
        )
        os.environ["PHUTHO_EXCHANGE_SIGNING_PASSWORD"] = "mật-khẩu"
        self.assertSignedBy(
            exchange.export_message(self.document), "CN=Sở Khoa học và Công nghệ"
        )

    def test_unusable_key_sends_unsigned(self):
        os.environ["PHUTHO_EXCHANGE_SIGNING_PKCS12"] = self.ca.pkcs12_file(
            self.key, self.certificate, "mật-khẩu"
        )
        os.environ["PHUTHO_EXCHANGE_SIGNING_PASSWORD"] = "sai"
        with self.assertLogs("phutho.intranet.exchange", "ERROR"):
            data = exchange.export_message(self.document)
        self.assertEqual(verify(parse(data)).status, "unsigned")


class TestReceivedSignatures(EnvironmentCleared, unittest.TestCase):
    """Through HTTP: the check is stored and shown (page and REST)."""

    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        super().setUp()
        self.ca = ThrowAwayCA()
        self.addCleanup(self.ca.cleanup)
        self.key, self.certificate = self.ca.issue("Văn thư Văn phòng Chính phủ")
        portal = self.layer["portal"]
        self.agency = agency(portal, "so-khcn")
        api.portal.set_registry_record(
            "phutho.intranet.exchange.trusted_ca", self.ca.pem
        )
        transaction.commit()
        self.clerk = requests.Session()
        self.clerk.auth = ("vanthu.sokhcn", DEMO_PASSWORD)
        self.addCleanup(self.clerk.close)

    def receive(self, data):
        response = self.clerk.post(
            f"{self.agency.absolute_url()}/@edxml",
            data=data,
            headers={"Content-Type": "application/xml", "Accept": "application/json"},
        )
        self.assertEqual(response.status_code, 201, response.text)
        return response.json()

    def page(self, url):
        return lxml.html.fromstring(self.clerk.get(url).text)

    def message(self, number):
        return CORPUS.document(
            self.agency.organ_id,
            CodeNumber=str(number),
            DocumentId=f"000.00.00.G22,2026/11/20,{number}/VPCP-KSTT",
        )

    def test_valid_stored_and_shown(self):
        body = self.receive(self.ca.sign(self.message(21), self.key, self.certificate))
        self.assertEqual(body["signature_status"]["token"], "valid")
        self.assertEqual(
            body["signature_signer"],
            "O=UBND tỉnh Phú Thọ,CN=Văn thư Văn phòng Chính phủ",
        )
        self.assertEqual(body["signature_issuer"], "CN=CA thử nghiệm Phú Thọ")
        self.assertIs(body["signature_trusted"], True)
        # Local time, as the documents' other date-times.
        valid_from = datetime.fromisoformat(body["signature_valid_from"])
        self.assertLess(valid_from, local_now())
        self.assertTrue(body["signature_valid_until"])
        # The signed message is kept whole, to check again.
        self.assertEqual(body["original_message"]["content-type"], "application/xml")
        page = self.page(body["@id"])
        (badge,) = page.cssselect("#doc-signature-status")
        self.assertEqual(badge.get("data-status"), "valid")
        self.assertEqual(badge.text_content().strip(), "Chữ ký hợp lệ")
        self.assertIn(
            "Văn thư Văn phòng Chính phủ",
            page.cssselect("#doc-signature-signer")[0].text_content(),
        )
        self.assertIn(
            "CA thử nghiệm Phú Thọ",
            page.cssselect("#doc-signature-issuer")[0].text_content(),
        )
        validity = page.cssselect("#doc-signature-validity")[0].text_content()
        self.assertRegex(validity, r"\d\d/\d\d/\d{4} .* – \d\d/\d\d/\d{4}")

    def test_tampered_and_unsigned(self):
        signed = self.ca.sign(self.message(22), self.key, self.certificate)
        tampered = signed.replace(
            "Về việc thử nghiệm".encode(), "Về việc giả mạo".encode()
        )
        body = self.receive(tampered)
        self.assertEqual(body["signature_status"]["token"], "invalid")
        self.assertIn("does not match", body["signature_reason"])
        page = self.page(body["@id"])
        (badge,) = page.cssselect("#doc-signature-status")
        self.assertEqual(badge.get("data-status"), "invalid")
        self.assertEqual(badge.text_content().strip(), "Chữ ký không hợp lệ")

        body = self.receive(self.message(23))
        self.assertEqual(body["signature_status"]["token"], "unsigned")
        self.assertIsNone(body["signature_signer"])
        (badge,) = self.page(body["@id"]).cssselect("#doc-signature-status")
        self.assertEqual(badge.get("data-status"), "unsigned")
