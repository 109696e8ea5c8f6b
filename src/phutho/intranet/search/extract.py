"""Plain text of PDF, DOCX and ODT files, within limits.

Uploaded files are untrusted: a corrupt PDF, a zip bomb named .docx or an
XML part declaring entities must cost bounded time and memory and end in
:class:`ExtractionError`, never in a failed save. Every limit is checked
before the work it bounds: the file size before parsing, the page count
before reading pages, a zip member's declared size before decompressing it.
The time limit is checked between PDF pages, so one pathological page can
still overrun it; pypdf caps each decompressed stream itself (75 MB).
Exceeding a limit gives no text at all rather than a truncated one, so that
what is indexed does not depend on where a limit happened to fall.

This module knows nothing about Zope; :mod:`.cache` adds caching and logging.
"""

from dataclasses import dataclass
from lxml import etree

import os
import pypdf
import time
import zipfile

PDF = "pdf"
DOCX = "docx"
ODT = "odt"

_CONTENT_TYPES = {
    "application/pdf": PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DOCX,
    "application/vnd.oasis.opendocument.text": ODT,
}
_EXTENSIONS = {".pdf": PDF, ".docx": DOCX, ".odt": ODT}

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


@dataclass(frozen=True)
class Limits:
    """What one file may cost. The defaults fit official documents: a long
    report has a few hundred pages of some 3,000 characters each."""

    file_bytes: int = 32 * 1024 * 1024
    pdf_pages: int = 300
    xml_bytes: int = 16 * 1024 * 1024  # uncompressed document.xml / content.xml
    text_chars: int = 2_000_000
    seconds: float = 10.0


LIMITS = Limits()


class ExtractionError(Exception):
    """The file is broken, hostile or too big: it yields no text."""


def file_kind(content_type, filename):
    """Return PDF, DOCX, ODT or None for a format we do not read.

    The content type decides; the file name's extension is the fallback for
    uploads sent as application/octet-stream.
    """
    kind = _CONTENT_TYPES.get((content_type or "").split(";")[0].strip().lower())
    if kind is None and filename:
        kind = _EXTENSIONS.get(os.path.splitext(filename)[1].lower())
    return kind


def extract_text(stream, kind, size, limits=LIMITS):
    """Return the text of the file open in ``stream`` (binary, seekable).

    :param kind: PDF, DOCX or ODT, see :func:`file_kind`.
    :param size: the file's size in bytes.
    :raises ExtractionError: whatever goes wrong, with the reason.
    """
    if size > limits.file_bytes:
        raise ExtractionError(f"file of {size} bytes exceeds {limits.file_bytes}")
    try:
        text = _EXTRACTORS[kind](stream, limits)
    except ExtractionError:
        raise
    except Exception as error:  # hostile input can fail anywhere in a parser
        raise ExtractionError(f"unreadable {kind}: {error!r}") from error
    if len(text) > limits.text_chars:
        raise ExtractionError(f"{len(text)} characters exceed {limits.text_chars}")
    return text


def _pdf_text(stream, limits):
    deadline = time.monotonic() + limits.seconds
    # pypdf opens PDFs encrypted with an empty password (issued documents
    # often are, to forbid printing or copying) by itself.
    reader = pypdf.PdfReader(stream)
    if len(reader.pages) > limits.pdf_pages:
        raise ExtractionError(f"{len(reader.pages)} pages exceed {limits.pdf_pages}")
    texts = []
    length = 0
    for page in reader.pages:
        if time.monotonic() > deadline:
            raise ExtractionError(f"reading took more than {limits.seconds} s")
        texts.append(page.extract_text() or "")
        length += len(texts[-1])
        if length > limits.text_chars:
            raise ExtractionError(f"more than {limits.text_chars} characters")
    return "\n".join(texts)


def _docx_text(stream, limits):
    root = _zipped_xml(stream, "word/document.xml", limits)
    separators = {_W + "p": "\n", _W + "tab": " ", _W + "br": " ", _W + "cr": " "}
    # Only w:t holds text: field codes (w:instrText) and deletions
    # (w:delText) are not what the reader sees.
    return "".join(
        (element.text or "") if element.tag == _W + "t" else separators[element.tag]
        for element in root.iter(_W + "t", *separators)
    )


def _odt_text(stream, limits):
    root = _zipped_xml(stream, "content.xml", limits)
    body = root.find(_OFFICE + "body")
    if body is None:
        return ""
    # Text is mixed content here: make the elements that stand for white
    # space hold one, end paragraphs and headings with a line, then read
    # all text in document order.
    for element in body.iter(_TEXT + "s", _TEXT + "tab", _TEXT + "line-break"):
        element.text = " "
    for element in body.iter(_TEXT + "p", _TEXT + "h"):
        element.tail = "\n" + (element.tail or "")
    return "".join(body.itertext())


def _zipped_xml(stream, name, limits):
    """Parse the XML member ``name`` of the zip archive in ``stream``."""
    with zipfile.ZipFile(stream) as archive:
        try:
            info = archive.getinfo(name)
        except KeyError:
            raise ExtractionError(f"no {name} in the archive") from None
        if info.file_size > limits.xml_bytes:
            raise ExtractionError(
                f"{name} expands to {info.file_size} bytes, more than {limits.xml_bytes}"
            )
        # zipfile stops at the declared size (and then fails the CRC check
        # if the data goes on), so this read is bounded by the check above.
        data = archive.read(info)
    return _parse_xml(data, name)


def _parse_xml(data, name):
    """Parse XML without entities, DTDs or network access.

    Office documents never declare a DTD; one that does is hostile
    (billion laughs, external entities) and is refused whole.
    """
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    root = etree.fromstring(data, parser)
    if root.getroottree().docinfo.internalDTD is not None:
        raise ExtractionError(f"{name} declares a DTD")
    return root


_EXTRACTORS = {PDF: _pdf_text, DOCX: _docx_text, ODT: _odt_text}
