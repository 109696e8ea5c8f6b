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

    def issue(self, common_name, organisation, not_before=None, not_after=None):
        """A signer's ``(key, certificate)``; valid for a year by default."""
        key = _key()
        now = datetime.datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, organisation))
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
