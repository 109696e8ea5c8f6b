"""Decide whether a file needs OCR, and run it within limits.

Scans are untrusted like every upload: a PNG declaring 100,000 × 100,000
pixels, a 500-page PDF or a page tesseract chews on for minutes must fail
with a reason, never take the instance down. So every limit is checked
before the work it bounds (the file size, the pixels an image declares,
the page count) and the OCR itself runs in a child process whose address
space and CPU time are capped (tesseract inherits the caps) and which is
killed, with its whole process group, at the wall-clock limit.
"""

from dataclasses import dataclass
from PIL import Image

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time

PDF = "pdf"
PNG = "png"
JPEG = "jpeg"

_CONTENT_TYPES = {
    "application/pdf": PDF,
    "image/png": PNG,
    "image/jpeg": JPEG,
}
_EXTENSIONS = {".pdf": PDF, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG}

# A text layer worth keeping has letters on its pages: fewer than this
# many per page (on average) means a scan, perhaps with a stamp or a
# header in text, and is read again.
MIN_LETTERS_PER_PAGE = 40

A4_WIDTH_INCHES = 8.27


@dataclass(frozen=True)
class OcrLimits:
    """What one file may cost (registry: ``phutho.intranet.reading.*``)."""

    pages: int = 50
    seconds: int = 600
    memory_mb: int = 2048
    megapixels: int = 80
    file_mb: int = 100
    language: str = "vie"


class OcrError(Exception):
    """The file was not read: too big, hostile, broken, or the OCR failed.
    The message says why (shown to the clerk as the reason)."""


@dataclass
class OcrResult:
    text: str
    pdf_path: str
    pages: int
    seconds: float


def file_kind(content_type, filename):
    """PDF, PNG, JPEG or None (formats OCR does not read)."""
    kind = _CONTENT_TYPES.get((content_type or "").split(";")[0].strip().lower())
    if kind is None and filename:
        kind = _EXTENSIONS.get(os.path.splitext(filename)[1].lower())
    return kind


def letters(text):
    return sum(1 for char in text or "" if char.isalpha())


def needs_ocr(kind, text, pages):
    """True for an image, and for a PDF whose text layer is missing or too
    thin to be the document (``text``: what the text layer gave, None when
    it could not be read; ``pages``: the page count, when known)."""
    if kind in (PNG, JPEG):
        return True
    if kind != PDF:
        return False
    return letters(text) < MIN_LETTERS_PER_PAGE * max(1, pages or 1)


def pdf_page_count(path):
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            return len(pdf.pages)
    except Exception as error:  # a broken PDF: no OCR for it
        raise OcrError(f"unreadable PDF: {error}") from error


def check_input(path, kind, limits):
    """Refuse what the limits forbid before any work; returns ``(pages,
    image_dpi)`` (``image_dpi`` for images without a credible resolution)."""
    size = os.path.getsize(path)
    if size > limits.file_mb * 1024 * 1024:
        raise OcrError(f"file of {size} bytes exceeds {limits.file_mb} MB")
    if kind == PDF:
        pages = pdf_page_count(path)
        if pages > limits.pages:
            raise OcrError(f"{pages} pages exceed the limit of {limits.pages}")
        if pages == 0:
            raise OcrError("the PDF has no pages")
        return pages, None
    try:
        with Image.open(path) as image:  # reads the header only
            width, height = image.size
            dpi = image.info.get("dpi")
    except Image.DecompressionBombError:
        raise OcrError(f"the image exceeds {limits.megapixels} megapixels") from None
    except Exception as error:
        raise OcrError(f"unreadable image: {error}") from error
    if width * height > limits.megapixels * 1_000_000:
        raise OcrError(
            f"image of {width} × {height} pixels exceeds {limits.megapixels} megapixels"
        )
    credible = dpi and 70 <= float(dpi[0]) <= 1200
    # A scan without a resolution: assume the page is A4 wide.
    image_dpi = None if credible else max(70, round(width / A4_WIDTH_INCHES))
    return 1, image_dpi


def _limit_child(memory_mb, cpu_seconds):
    def apply():
        os.setsid()  # its own process group, killed whole at the deadline
        memory = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))

    return apply


def tesseract_available(language="vie"):
    """True when tesseract and its ``language`` data are installed."""
    if not shutil.which("tesseract"):
        return False
    try:
        output = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return language in (output.stdout + output.stderr).split()


def run_ocr(path, kind, workdir, limits=OcrLimits()):
    """OCR the file at ``path`` (PDF, PNG or JPEG) into ``workdir``.

    Returns an :class:`OcrResult` whose ``pdf_path`` is a new searchable
    PDF (the input is never changed). Raises :class:`OcrError`.
    """
    if kind not in (PDF, PNG, JPEG):
        raise OcrError(f"OCR does not read {kind or 'this format'}")
    pages, image_dpi = check_input(path, kind, limits)
    output = os.path.join(workdir, "searchable.pdf")
    sidecar = os.path.join(workdir, "text.txt")
    args = {
        "input": path,
        "output": output,
        "sidecar": sidecar,
        "kind": kind,
        "language": limits.language,
        "megapixels": limits.megapixels,
        "page_seconds": max(10, limits.seconds // max(1, pages)),
        "image_dpi": image_dpi,
    }
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "phutho.intranet.ocr.child", json.dumps(args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=workdir,
        preexec_fn=_limit_child(limits.memory_mb, limits.seconds),
        env={**os.environ, "OMP_THREAD_LIMIT": "1", "TMPDIR": workdir},
    )
    try:
        stdout, stderr = process.communicate(timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise OcrError(f"OCR took more than {limits.seconds} s") from None
    seconds = time.monotonic() - started
    report = _last_json(stdout)
    if process.returncode != 0 or not report.get("ok"):
        reason = report.get("reason")
        if not reason:
            if process.returncode in (-signal.SIGKILL, -signal.SIGXCPU):
                reason = f"OCR stopped by the CPU limit ({limits.seconds} s)"
            elif b"MemoryError" in stderr or b"std::bad_alloc" in stderr:
                reason = f"OCR needed more than {limits.memory_mb} MB of memory"
            else:
                tail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
                reason = f"OCR failed (exit {process.returncode}): {' '.join(tail)}"
        if "MemoryError" in reason or "bad_alloc" in reason:
            reason = f"OCR needed more than {limits.memory_mb} MB of memory"
        raise OcrError(reason)
    with open(sidecar, encoding="utf-8", errors="replace") as stream:
        text = stream.read()
    # OCRmyPDF writes this marker for pages it skipped.
    text = text.replace("[OCR skipped on page(s) ", "[")
    return OcrResult(
        text=clean_text(text), pdf_path=output, pages=pages, seconds=seconds
    )


# Letters tesseract's Vietnamese model confuses with Đ: the Icelandic eth
# is not Vietnamese, and "ĐÐ" is one Đ read twice.
_ETH = str.maketrans({"Ð": "Đ", "ð": "đ"})


def clean_text(text):
    """OCR text with the confusions no Vietnamese text has undone."""
    text = text.replace("ĐÐ", "Đ").replace("đð", "đ")
    return text.translate(_ETH)


def _last_json(stdout):
    for line in reversed(stdout.decode("utf-8", "replace").splitlines()):
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return {}
