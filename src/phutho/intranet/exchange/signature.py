"""XML-DSig: verify received messages, sign sent ones (signxml).

A received message keeps its ``Signature`` as it came (the whole message
is stored when signed, the signature covering all of it). :func:`verify`
checks it against the X.509 certificate the signature includes and
reports ``valid``, ``invalid`` (with the reason) or ``unsigned``, the
signer, the issuer and the certificate's validity dates; with a trusted CA
file configured (``phutho.intranet.exchange.trusted_ca`` or
``PHUTHO_EXCHANGE_TRUSTED_CA``) it also says whether the certificate
chains to it.

Messages are signed when a key and certificate are configured: PEM files
(``signing_key`` and ``signing_certificate``, or ``PHUTHO_EXCHANGE_SIGNING_KEY``
and ``PHUTHO_EXCHANGE_SIGNING_CERT``) or a PKCS#12 file (``signing_pkcs12``
or ``PHUTHO_EXCHANGE_SIGNING_PKCS12``); a password, if the key has one,
only from ``PHUTHO_EXCHANGE_SIGNING_PASSWORD``.
"""

from .model import DSIG_NAMESPACE
from .model import NAMESPACE
from .settings import setting
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone
from lxml import etree
from phutho.intranet.dates import TIMEZONE

import base64
import logging
import os
import signxml

logger = logging.getLogger("phutho.intranet.exchange")


@dataclass
class Verification:
    """What the check of a message's signature found."""

    status: str = "unsigned"  # valid, invalid, unsigned
    reason: str = ""
    signer: str = ""
    issuer: str = ""
    valid_from: object = None  # naive local datetime
    valid_until: object = None
    trusted: bool = None  # None: no trusted CA configured


def _local(moment):
    return moment.astimezone(TIMEZONE).replace(tzinfo=None) if moment else None


def _find_signature(root):
    """``(element, in the XML-DSig namespace?)`` of the envelope's signature."""
    for element in root.iter("{*}Signature"):
        namespace = etree.QName(element).namespace
        if namespace == DSIG_NAMESPACE:
            return element, True
        if namespace in (NAMESPACE, None):
            return element, False
    return None, False


def _covers_whole_message(signature):
    """True when the signature's one reference is the whole document
    (``URI=""``, enveloped): "see what is signed" - a signature over one
    element would leave the rest, attachments included, unsigned."""
    references = list(signature.iter(f"{{{DSIG_NAMESPACE}}}Reference"))
    return len(references) == 1 and references[0].get("URI") == ""


def _certificate(signature):
    for element in signature.iter("{*}X509Certificate"):
        text = "".join((element.text or "").split())
        if text:
            return x509.load_der_x509_certificate(base64.b64decode(text))
    raise ValueError("no X509Certificate")


def verify(root):
    """Check the signature of a parsed message (see ``reader.parse``)."""
    signature, dsig = _find_signature(root)
    if signature is None:
        return Verification()
    result = Verification(status="invalid")
    if not dsig:
        result.reason = "The Signature element is not in the XML-DSig namespace."
        return result
    try:
        certificate = _certificate(signature)
    except (ValueError, TypeError) as error:
        result.reason = f"The included certificate cannot be read ({error})."
        return result
    result.signer = certificate.subject.rfc4514_string()
    result.issuer = certificate.issuer.rfc4514_string()
    result.valid_from = _local(certificate.not_valid_before_utc)
    result.valid_until = _local(certificate.not_valid_after_utc)
    config = signxml.SignatureConfiguration(
        # Integrity against the included certificate at the time it was
        # valid; its dates are reported, trust is checked separately.
        verification_time=certificate.not_valid_before_utc,
        expect_references=1,
        # Where edXML puts it: a signature elsewhere signs something else.
        location=f"./{{{NAMESPACE}}}edXMLEnvelope/{{{NAMESPACE}}}edXMLHeader/",
    )
    if not _covers_whole_message(signature):
        result.reason = (
            "The signature does not cover the whole message (its reference "
            "is not the document itself)."
        )
        return result
    try:
        signxml.XMLVerifier().verify(root, x509_cert=certificate, expect_config=config)
    except (
        signxml.exceptions.InvalidInput,
        signxml.exceptions.InvalidSignature,
    ) as error:
        result.reason = f"The signature does not match the message ({error})."
        return result
    except (ValueError, TypeError) as error:
        result.reason = f"The signature cannot be checked ({error})."
        return result
    result.status = "valid"
    now = datetime.now(timezone.utc)
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        result.reason = "The certificate is not valid today (see its dates)."
    trusted_ca = setting("trusted_ca", "PHUTHO_EXCHANGE_TRUSTED_CA")
    if trusted_ca:
        try:
            signxml.XMLVerifier().verify(
                root,
                ca_pem_file=trusted_ca,
                expect_config=signxml.SignatureConfiguration(
                    expect_references=1, location=config.location
                ),
            )
            result.trusted = True
        except (
            signxml.exceptions.InvalidInput,
            signxml.exceptions.InvalidSignature,
            ValueError,
            OSError,
        ) as error:
            result.trusted = False
            result.reason = " ".join(
                filter(
                    None, (result.reason, f"The certificate is not trusted ({error}).")
                )
            )
    return result


# -- signing ----------------------------------------------------------------------------


def _read(path):
    with open(path, "rb") as stream:
        return stream.read()


def load_signing_key():
    """``(private key, [certificate PEM, ...])`` configured for signing, or
    None."""
    password = os.environ.get("PHUTHO_EXCHANGE_SIGNING_PASSWORD")
    password = password.encode() if password else None
    bundle = setting("signing_pkcs12", "PHUTHO_EXCHANGE_SIGNING_PKCS12")
    if bundle:
        key, certificate, extra = pkcs12.load_key_and_certificates(
            _read(bundle), password
        )
        chain = [certificate, *(extra or [])]
        return key, [c.public_bytes(serialization.Encoding.PEM) for c in chain]
    key_path = setting("signing_key", "PHUTHO_EXCHANGE_SIGNING_KEY")
    cert_path = setting("signing_certificate", "PHUTHO_EXCHANGE_SIGNING_CERT")
    if key_path and cert_path:
        key = serialization.load_pem_private_key(_read(key_path), password)
        return key, [_read(cert_path)]
    return None


def signer_for(key, certificates):
    """A callable signing a message's root (for ``writer.write_message``):
    an enveloped RSA-SHA256 signature in ``edXMLHeader``, as the samples
    place it, covering the whole message."""

    def sign(root):
        header = root.find(f"{{{NAMESPACE}}}edXMLEnvelope/{{{NAMESPACE}}}edXMLHeader")
        placeholder = etree.SubElement(
            header, f"{{{DSIG_NAMESPACE}}}Signature", nsmap={"ds": DSIG_NAMESPACE}
        )
        placeholder.set("Id", "placeholder")
        signer = signxml.XMLSigner(
            method=signxml.methods.enveloped,
            signature_algorithm="rsa-sha256",
            digest_algorithm="sha256",
            c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#",
        )
        return signer.sign(root, key=key, cert=[c.decode() for c in certificates])

    return sign


def configured_signer():
    """The signer of the configured key, or None (messages go unsigned).
    A key that cannot be read is logged, not fatal: the message still goes."""
    try:
        loaded = load_signing_key()
    except (OSError, ValueError) as error:
        logger.error("Exchange signing key unusable, sending unsigned: %s", error)
        return None
    return signer_for(*loaded) if loaded else None
