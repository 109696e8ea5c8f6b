"""A throw-away certificate authority for tests: a root, signer
certificates (valid, expired, from another root), PKCS#12 files and PDFs
signed with pyHanko. Other packages' tests (XML signatures of the
exchange) may use it too.
"""

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID
from cryptography.x509.oid import NameOID
from pathlib import Path

import datetime

UTC = datetime.timezone.utc


def _name(common_name, organisation):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class CA:
    """A root CA that issues signer certificates."""

    def __init__(self, name="Phu Tho Test Root CA", organisation="Test CA"):
        self.issued = {}
        self.key = _key()
        now = datetime.datetime.now(UTC)
        subject = _name(name, organisation)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=3650))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
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
            .sign(self.key, hashes.SHA256())
        )

    def pem(self):
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def write_root(self, directory, filename="root.pem"):
        path = Path(directory) / filename
        path.write_bytes(self.pem())
        return path

    def issue(
        self,
        common_name,
        organisation,
        not_before=None,
        not_after=None,
        ocsp_url=None,
        crl_url=None,
    ):
        """A signer's ``(key, certificate)``; valid for a year by default.
        ``ocsp_url``, ``crl_url``: where its revocation is published (the
        certificate's AIA and CRL distribution point)."""
        key = _key()
        now = datetime.datetime.now(UTC)
        builder = x509.CertificateBuilder()
        if ocsp_url:
            builder = builder.add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            AuthorityInformationAccessOID.OCSP,
                            x509.UniformResourceIdentifier(ocsp_url),
                        )
                    ]
                ),
                False,
            )
        if crl_url:
            builder = builder.add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            [x509.UniformResourceIdentifier(crl_url)],
                            None,
                            None,
                            None,
                        )
                    ]
                ),
                False,
            )
        cert = (
            builder.subject_name(_name(common_name, organisation))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - datetime.timedelta(days=30))
            .not_valid_after(not_after or now + datetime.timedelta(days=365))
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
            .sign(self.key, hashes.SHA256())
        )
        self.issued[cert.serial_number] = cert
        return key, cert

    def pkcs12(self, path, common_name, organisation, password, **validity):
        """Write a PKCS#12 file (key, certificate, this CA) to ``path``."""
        key, cert = self.issue(common_name, organisation, **validity)
        data = pkcs12.serialize_key_and_certificates(
            common_name.encode("utf-8"),
            key,
            cert,
            [self.cert],
            serialization.BestAvailableEncryption(password.encode("utf-8")),
        )
        Path(path).write_bytes(data)
        return path

    def crl(self, revoked=()):
        """A CRL (DER) of this CA revoking the serial numbers ``revoked``."""
        now = datetime.datetime.now(UTC)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.cert.subject)
            .last_update(now - datetime.timedelta(hours=1))
            .next_update(now + datetime.timedelta(days=1))
            .add_extension(x509.CRLNumber(1), False)
        )
        for serial in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(now - datetime.timedelta(hours=1))
                .build()
            )
        return builder.sign(self.key, hashes.SHA256()).public_bytes(
            serialization.Encoding.DER
        )

    def ocsp_response(self, request_der, revoked=()):
        """This CA's signed OCSP answer (DER) to ``request_der``: revoked
        when the serial number asked about is in ``revoked``."""
        request = ocsp.load_der_ocsp_request(request_der)
        issued = self.issued.get(request.serial_number)
        if issued is None:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED
            ).public_bytes(serialization.Encoding.DER)
        now = datetime.datetime.now(UTC)
        if request.serial_number in revoked:
            status, when = ocsp.OCSPCertStatus.REVOKED, now - datetime.timedelta(
                hours=1
            )
        else:
            status, when = ocsp.OCSPCertStatus.GOOD, None
        builder = (
            ocsp.OCSPResponseBuilder()
            .add_response(
                cert=issued,
                issuer=self.cert,
                algorithm=request.hash_algorithm,
                cert_status=status,
                this_update=now - datetime.timedelta(minutes=5),
                next_update=now + datetime.timedelta(hours=1),
                revocation_time=when,
                revocation_reason=None,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, self.cert)
        )
        for extension in request.extensions:
            if isinstance(extension.value, x509.OCSPNonce):
                builder = builder.add_extension(extension.value, False)
        return builder.sign(self.key, hashes.SHA256()).public_bytes(
            serialization.Encoding.DER
        )

    def signer(self, common_name, organisation, **validity):
        """A pyHanko signer for a new certificate of this CA."""
        from pyhanko.keys import load_private_key_from_pemder_data
        from pyhanko.sign import signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        key, cert = self.issue(common_name, organisation, **validity)
        key_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        from asn1crypto import x509 as asn1_x509

        return signers.SimpleSigner(
            signing_cert=asn1_x509.Certificate.load(
                cert.public_bytes(serialization.Encoding.DER)
            ),
            signing_key=load_private_key_from_pemder_data(key_pem, passphrase=None),
            cert_registry=SimpleCertificateStore.from_certs(
                [
                    asn1_x509.Certificate.load(
                        self.cert.public_bytes(serialization.Encoding.DER)
                    )
                ]
            ),
        )


class RevocationServer:
    """An OCSP responder and a CRL of ``ca`` over HTTP on loopback (an
    ephemeral port), in a thread: ``POST /ocsp``, ``GET /crl``. Serial
    numbers in ``revoked`` are revoked. Use as a context manager."""

    def __init__(self, ca, revoked=()):
        self.ca = ca
        self.revoked = set(revoked)
        self.requests = []
        self.server = None

    def __enter__(self):
        from http.server import BaseHTTPRequestHandler
        from http.server import ThreadingHTTPServer

        import threading

        responder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path != "/crl":
                    self.send_error(404)
                    return
                responder.requests.append("crl")
                self.answer("application/pkix-crl", responder.ca.crl(responder.revoked))

            def do_POST(self):
                if self.path != "/ocsp":
                    self.send_error(404)
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                responder.requests.append("ocsp")
                self.answer(
                    "application/ocsp-response",
                    responder.ca.ocsp_response(body, responder.revoked),
                )

            def answer(self, content_type, data):
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self):
        host, port = self.server.server_address
        return f"http://{host}:{port}"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


def sign(data, signer, field_name="Signature1"):
    """``data`` (a PDF) signed invisibly by ``signer`` (incremental)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    import io

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    meta = signers.PdfSignatureMetadata(field_name=field_name)
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def modify(data):
    """``data`` with a page's content changed after the signatures (an
    incremental update, as a forger would do)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    import io

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (X) Tj ET")
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def simple_pdf(text="Văn bản thử"):
    """A one-page PDF with a text layer (fpdf2, DejaVu)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.add_page()
    pdf.set_font("DejaVu", size=14)
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())
