"""Verify the signatures of a PDF.

For each signature: who signed (name and organisation of the signing
certificate), when (the time the signer reports), whether the signed
bytes are intact and the document was not modified after signing beyond
adding signatures or form filling, whether the certificate chains to one
of the configured trust roots and was valid at the signing time, and
whether it was revoked — checked only when the certificate names an OCSP
responder or CRL that answers, else reported as "not checked".
"""

from asn1crypto import pem
from asn1crypto import x509
from pathlib import Path
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

import datetime
import logging

logger = logging.getLogger(__name__)

VALID = "valid"
INVALID = "invalid"
NONE = ""

GOOD = "good"
REVOKED = "revoked"
NOT_CHECKED = "not_checked"

# Changes after a signature that keep it valid: later signatures, form
# filling, validation data (Decree 30: the agency signs after the leader).
ALLOWED_CHANGES = (
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
)


class SignatureError(Exception):
    """The file cannot be read as a PDF."""


def load_trust_roots(directory):
    """The certificates of the PEM (or DER) files in ``directory``."""
    roots = []
    if not directory:
        return roots
    folder = Path(directory)
    if not folder.is_dir():
        logger.warning("Trust roots folder %s does not exist", directory)
        return roots
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".pem", ".crt", ".cer", ".der"):
            continue
        data = path.read_bytes()
        try:
            if pem.detect(data):
                for _type, _headers, der in pem.unarmor(data, multiple=True):
                    roots.append(x509.Certificate.load(der))
            else:
                roots.append(x509.Certificate.load(data))
        except Exception as error:  # one bad file must not hide the others
            logger.warning("Not a certificate: %s (%s)", path, error)
    return roots


def has_signatures(stream):
    """True when the PDF in ``stream`` has at least one signature."""
    try:
        return bool(PdfFileReader(stream, strict=False).embedded_signatures)
    except Exception:
        return False


def _name_part(name, key):
    try:
        return name.native.get(key) or ""
    except Exception:
        return ""


def _revocation_urls(cert):
    return bool(cert.ocsp_urls or cert.crl_distribution_points)


def _context(roots, moment, fetching, mode, timeout):
    kwargs = dict(trust_roots=roots, moment=moment, revocation_mode=mode)
    if fetching:
        from pyhanko_certvalidator.fetchers.requests_fetchers import (
            RequestsFetcherBackend,
        )

        kwargs.update(
            allow_fetching=True,
            fetcher_backend=RequestsFetcherBackend(per_request_timeout=timeout),
        )
    return ValidationContext(**kwargs)


def verify_signature(embedded, roots, check_revocation=True, timeout=5):
    """The findings on one embedded signature, as a dict."""
    cert = embedded.signer_cert
    subject = cert.subject
    moment = embedded.self_reported_timestamp or datetime.datetime.now(
        datetime.timezone.utc
    )
    result = {
        # pyHanko's TextStringObject keeps its reader: a plain str is stored.
        "field": str(embedded.field_name),
        "signer": _name_part(subject, "common_name"),
        "organisation": _name_part(subject, "organization_name"),
        "issuer": _name_part(cert.issuer, "common_name"),
        "signing_time": (
            embedded.self_reported_timestamp.isoformat()
            if embedded.self_reported_timestamp
            else None
        ),
        "certificate_valid_from": cert.not_valid_before.isoformat(),
        "certificate_valid_to": cert.not_valid_after.isoformat(),
        "revocation": NOT_CHECKED,
        "problems": [],
    }
    fetch = check_revocation and _revocation_urls(cert)
    status = None
    try:
        status = validate_pdf_signature(
            embedded,
            _context(
                roots, moment, fetch, "hard-fail" if fetch else "soft-fail", timeout
            ),
        )
        if fetch and status.revoked:
            # The responder or the CRL said so: the chain is otherwise
            # checked, and the signature fails.
            result["revocation"] = REVOKED
        elif fetch and status.trusted:
            result["revocation"] = GOOD
    except Exception as error:
        logger.info("Signature check with revocation failed: %s", error)
    if status is None or (fetch and result["revocation"] == NOT_CHECKED):
        # Without revocation data (responder or CRL unreachable, or an
        # untrusted chain): the same check without it, marked "not
        # checked".
        try:
            status = validate_pdf_signature(
                embedded, _context(roots, moment, False, "soft-fail", timeout)
            )
        except Exception as error:
            result.update(intact=False, cryptographically_valid=False, trusted=False)
            result["problems"].append(f"unreadable signature: {error}")
            result["status"] = INVALID
            result["modified"] = None
            return result
    modified = not (
        status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        or (
            status.diff_result is not None
            and status.modification_level in ALLOWED_CHANGES
        )
    )
    if status.docmdp_ok is False:
        modified = True
    valid_at_time = cert.not_valid_before <= moment <= cert.not_valid_after
    result.update(
        intact=bool(status.intact),
        cryptographically_valid=bool(status.valid),
        trusted=bool(status.trusted),
        valid_at_signing_time=valid_at_time,
        modified=modified,
    )
    problems = result["problems"]
    if not status.intact:
        problems.append("signed_bytes_changed")
    elif not status.valid:
        problems.append("signature_invalid")
    if modified:
        problems.append("modified_after_signing")
    if not valid_at_time:
        problems.append("certificate_not_valid_at_signing_time")
    elif not status.trusted and result["revocation"] != REVOKED:
        problems.append("untrusted")
    if result["revocation"] == REVOKED:
        problems.append("revoked")
    result["status"] = INVALID if problems else VALID
    return result


def verify_pdf(stream, roots, check_revocation=True, timeout=5):
    """``{"status": "valid"|"invalid"|"", "signatures": [...]}`` for the
    PDF in ``stream`` (binary, seekable). ``""``: no signature."""
    try:
        reader = PdfFileReader(stream, strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as error:
        raise SignatureError(f"unreadable PDF: {error}") from error
    found = [
        verify_signature(embedded, roots, check_revocation, timeout)
        for embedded in signatures
    ]
    if not found:
        status = NONE
    elif all(item["status"] == VALID for item in found):
        status = VALID
    else:
        status = INVALID
    return {"status": status, "signatures": found}
