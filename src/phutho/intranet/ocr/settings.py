"""Settings of document reading (OCR, signatures, extraction), kept in
the registry under ``phutho.intranet.reading.*`` and edited by webmasters
in the control panel ``@@reading-controlpanel``."""

from phutho.intranet import _
from phutho.intranet.ocr.engine import OcrLimits
from plone.registry.interfaces import IRegistry
from zope import schema
from zope.component import queryUtility
from zope.interface import Interface

PREFIX = "phutho.intranet.reading"


class IReadingSettings(Interface):
    """Limits of OCR, where trust roots and agency keys are, extra agencies
    the extraction knows."""

    ocr_enabled = schema.Bool(
        title=_("label_ocr_enabled", default="Read scans (OCR)"),
        default=True,
        required=False,
    )
    ocr_language = schema.ASCIILine(
        title=_("label_ocr_language", default="OCR language (tesseract)"),
        default="vie",
    )
    ocr_max_pages = schema.Int(
        title=_("label_ocr_max_pages", default="Pages read per file at most"),
        default=50,
        min=1,
        max=2000,
    )
    ocr_max_seconds = schema.Int(
        title=_("label_ocr_max_seconds", default="Seconds of OCR per file at most"),
        default=600,
        min=10,
        max=36000,
    )
    ocr_max_memory_mb = schema.Int(
        title=_("label_ocr_max_memory", default="Memory of OCR per file at most (MB)"),
        default=2048,
        min=256,
        max=65536,
    )
    ocr_max_megapixels = schema.Int(
        title=_("label_ocr_max_megapixels", default="Megapixels per page at most"),
        default=80,
        min=1,
        max=1000,
    )
    ocr_max_file_mb = schema.Int(
        title=_("label_ocr_max_file_mb", default="Size of a file read at most (MB)"),
        default=100,
        min=1,
        max=2000,
    )
    trust_roots = schema.TextLine(
        title=_("label_trust_roots", default="Folder of trusted root certificates"),
        description=_(
            "help_trust_roots",
            default="A folder on the server holding the root CA certificates "
            "(PEM files) signatures must chain to, e.g. the national root CA's.",
        ),
        default="",
        required=False,
    )
    check_revocation = schema.Bool(
        title=_("label_check_revocation", default="Check revocation (OCSP, CRL)"),
        description=_(
            "help_check_revocation",
            default="When the certificate's OCSP responder or CRL can be reached; "
            "otherwise the check is shown as not done.",
        ),
        default=True,
        required=False,
    )
    revocation_timeout = schema.Int(
        title=_("label_revocation_timeout", default="Seconds to wait for OCSP or CRL"),
        default=5,
        min=1,
        max=60,
    )
    agency_keys = schema.List(
        title=_("label_agency_keys", default="Agency certificates for signing"),
        description=_(
            "help_agency_keys",
            default="One per line: OrganId | path of the PKCS#12 file | where its "
            "password is (env:VARIABLE or file:/path readable only by the "
            "portal's user). Passwords are never stored in the portal.",
        ),
        value_type=schema.TextLine(),
        default=[],
        required=False,
    )
    sign_on_issue = schema.Bool(
        title=_(
            "label_sign_on_issue",
            default="Sign the PDF of an outgoing document when it is issued",
        ),
        default=False,
        required=False,
    )
    known_agencies = schema.List(
        title=_("label_known_agencies", default="Other agencies the reader knows"),
        description=_(
            "help_known_agencies",
            default="One per line: name | OrganId; besides the portal's own "
            "agencies, used to propose the issuing agency of incoming documents.",
        ),
        value_type=schema.TextLine(),
        default=[],
        required=False,
    )


def setting(name, default=None):
    """A reading setting from the registry (``default`` when absent)."""
    registry = queryUtility(IRegistry)
    if registry is None:
        return default
    value = registry.get(f"{PREFIX}.{name}", None)
    return default if value is None else value


def ocr_limits():
    """The OCR limits in force."""
    defaults = OcrLimits()
    return OcrLimits(
        pages=setting("ocr_max_pages", defaults.pages),
        seconds=setting("ocr_max_seconds", defaults.seconds),
        memory_mb=setting("ocr_max_memory_mb", defaults.memory_mb),
        megapixels=setting("ocr_max_megapixels", defaults.megapixels),
        file_mb=setting("ocr_max_file_mb", defaults.file_mb),
        language=setting("ocr_language", defaults.language),
    )
