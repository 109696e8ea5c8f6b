"""Read the two-column parts of a scanned document column by column.

Decree 30's layout (Appendix I) puts two columns side by side twice: in
the header, the issuing agency and "Số: 15/QĐ-UBND" (and a công văn's
"V/v …") on the left, the national motto and the place and date on the
right; in the footer, the recipients ("Nơi nhận:", small type) on the
left, the signer's authority, position and name on the right.
Tesseract's page layout analysis often takes each pair for one block and
reads across: "Số: 188/QĐ-U Hà Nội, ngày…", "- Bộ Nội vụ; CHÁNH VĂN
PHÒNG", or loses a line of small type between two of large type.

So after OCRmyPDF has read the pages, those two parts are read again:
the white gutter between the columns is found in the page's pixels (a
column of the page without ink), each column is cropped (blank rows and
speckle taken out) and read by tesseract as one uniform block of text
(``--psm 6``; one process reads all the crops, one model load), and the
page's text loses the lines the blocks read better. Where a part is not
found (no motto, no "Nơi nhận", no gutter) the page's text stays as
tesseract gave it. The searchable PDF's text layer is OCRmyPDF's.
"""

from difflib import SequenceMatcher
from PIL import ImageFilter

import logging
import os
import re
import subprocess
import unicodedata

logger = logging.getLogger(__name__)

RENDER_DPI = 300
# Pixels darker than this are ink.
INK = 140
# "Nơi nhận" as tesseract may read it (a lost accent or space).
RECIPIENTS_LABEL = re.compile(r"N[ơoớờ]i\s*nh[ậaâạ]n", re.I)
# What marks the header's right column: the motto's second line and the
# place and date.
MOTTO_LABEL = re.compile(r"(?:Độc|Đ[ộo]c)\s*l[ậa]p|H[ạa]nh\s*ph[úu]c", re.I)
DATE_LABEL = re.compile(r"ngày\s*\d{1,2}\s*tháng\s*\d{1,2}\s*năm", re.I)


class Page:
    """A page of the searchable PDF: its pixels (grey, as ink booleans)
    and its text layer's boxes, with conversions from PDF points."""

    def __init__(self, page):
        import numpy

        self.width_pt, self.height_pt = page.get_size()
        self.image = page.render(scale=RENDER_DPI / 72, grayscale=True).to_pil()
        self.image = self.image.convert("L")
        self.ink = numpy.asarray(self.image) < INK
        self.scale = self.image.width / self.width_pt
        textpage = page.get_textpage()
        try:
            self.text = textpage.get_text_range()
            self.boxes = [textpage.get_charbox(i) for i in range(len(self.text))]
        finally:
            textpage.close()

    def mm(self, value):
        """``value`` millimetres in pixels."""
        return int(value / 25.4 * RENDER_DPI)

    def box_of(self, match):
        """``(x0, y0, x1, y1)`` in pixels (y downwards) of a regex match
        on the page's text."""
        boxes = [
            box
            for box in self.boxes[match.start() : match.end()]
            if box[2] > box[0]  # generated characters have no box
        ]
        if not boxes:
            return None
        left = min(box[0] for box in boxes)
        right = max(box[2] for box in boxes)
        bottom = min(box[1] for box in boxes)
        top = max(box[3] for box in boxes)
        return (
            int(left * self.scale),
            int((self.height_pt - top) * self.scale),
            int(right * self.scale),
            int((self.height_pt - bottom) * self.scale),
        )

    def find(self, pattern, last=False):
        """The pixel box of the first (or last) match of ``pattern``."""
        matches = list(pattern.finditer(self.text))
        if not matches:
            return None
        return self.box_of(matches[-1] if last else matches[0])


def widest_free_run(profile, start, end, tolerance, min_width):
    """``(a, b)`` of the widest run of ``profile`` (ink per column or per
    row) at most ``tolerance`` between ``start`` and ``end``, at least
    ``min_width`` long; None when there is none."""
    best, run = None, None
    for index in range(start, end + 1):
        free = index < end and profile[index] <= tolerance
        if free and run is None:
            run = index
        elif not free and run is not None:
            if best is None or index - run > best[1] - best[0]:
                best = (run, index)
            run = None
    if best is None or best[1] - best[0] < min_width:
        return None
    return best


def gutter(ink, top, bottom, start, end, min_width):
    """The x of the middle of the widest ink-free column between ``start``
    and ``end`` in rows ``top`` to ``bottom``, or None. A few ink pixels
    (noise, a page number) still leave a column free."""
    if bottom - top < 10 or end <= start:
        return None
    columns = ink[top:bottom, :].sum(axis=0)
    tolerance = max(3, int((bottom - top) * 0.01))
    run = widest_free_run(columns, start, end, tolerance, min_width)
    return None if run is None else (run[0] + run[1]) // 2


def block_bottom(ink, top, x0, x1, gap, limit):
    """The row where the text of columns ``x0``–``x1`` that starts at or
    below ``top`` ends: the start of the first blank band of ``gap`` rows
    after some ink (``limit`` at most)."""
    rows = ink[top:limit, x0:x1].sum(axis=1)
    tolerance = max(2, int((x1 - x0) * 0.002))
    seen, blank = False, 0
    for offset, count in enumerate(rows):
        if count > tolerance:
            seen, blank = True, 0
        elif seen:
            blank += 1
            if blank >= gap:
                return top + offset - blank + 1
    return limit


def header_blocks(page):
    """The header's two columns as crops (left: agency, number, a công
    văn's subject; right: motto, place and date), or None."""
    motto = page.find(MOTTO_LABEL)
    if motto is None or motto[1] > page.ink.shape[0] // 3:
        return None
    date = page.find(DATE_LABEL)
    height, width = page.ink.shape
    band = date[3] if date and date[1] < height // 3 else motto[3] + page.mm(12)
    split = gutter(page.ink, 0, band, int(width * 0.25), int(width * 0.6), page.mm(1.5))
    if split is None or split >= motto[0]:
        return None
    gap = page.mm(5)
    limit = height // 3
    left_bottom = block_bottom(page.ink, 0, 0, split, gap, limit)
    if date and date[1] < height // 3:
        right_bottom = date[3] + page.mm(1.5)
    else:
        right_bottom = block_bottom(page.ink, motto[1], split, width, gap, limit)
    if left_bottom >= limit or right_bottom >= limit:
        return None
    return [
        page.image.crop((0, 0, split, left_bottom + page.mm(1))),
        page.image.crop((split, 0, width, right_bottom + page.mm(1))),
    ]


def footer_blocks(page):
    """The footer's two columns from "Nơi nhận" down (left: recipients,
    right: signer), or None."""
    label = page.find(RECIPIENTS_LABEL, last=True)
    if label is None:
        return None
    height, width = page.ink.shape
    top = max(0, label[1] - page.mm(1))
    split = gutter(
        page.ink,
        top,
        height,
        label[2] + page.mm(1),
        int(width * 0.75),
        page.mm(2),
    )
    if split is None:
        return None
    return [
        page.image.crop((max(0, label[0] - page.mm(3)), top, split, height)),
        page.image.crop((split, top, width, height)),
    ]


def trim(block, margin=12):
    """``block`` without the blank rows below its last line: psm 6 takes
    the whole crop for text, and a tall empty band of scanner noise under
    the last line ("- Lưu: VT, TH.") makes it read that line as noise."""
    import numpy

    rows = (numpy.asarray(block) < INK).sum(axis=1)
    inked = numpy.nonzero(rows > max(2, block.width // 500))[0]
    if not len(inked):
        return block
    bottom = min(block.height, int(inked[-1]) + margin)
    return block.crop((0, 0, block.width, bottom))


def clean(block):
    """``block`` trimmed, through a 3×3 median filter: scanner speckle on
    small type ("- Lưu: VT, TH." in 11 pt read as "sI'ƯU: VÌ, TH;") goes,
    strokes at 300 dpi stay."""
    return trim(block).filter(ImageFilter.MedianFilter(3))


def tesseract_blocks(blocks, workdir, name, language, timeout):
    """The text of each of ``blocks``, read by one tesseract process (one
    model load) as pages of their own, each one uniform block of text
    (``--psm 6``). Stacked in one image instead, a last line of small type
    over the next block's large type is misread."""
    paths = []
    for index, block in enumerate(blocks):
        path = os.path.join(workdir, f"{name}-{index}.png")
        clean(block).save(path, dpi=(RENDER_DPI, RENDER_DPI))
        paths.append(path)
    listing = os.path.join(workdir, f"{name}.txt")
    with open(listing, "w", encoding="utf-8") as stream:
        stream.write("\n".join(paths) + "\n")
    done = subprocess.run(
        ["tesseract", listing, "-", "-l", language, "--psm", "6"],
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode("utf-8", "replace").strip()[-200:])
    pages = done.stdout.decode("utf-8", "replace").split("\f")
    return "\n".join(page.strip("\n") for page in pages if page.strip()) + "\n"


def fold(text):
    """Letters and digits only, lower case, without accents: OCR's
    variants of one line compare equal."""
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(char for char in text if char.isalnum())


def covered(line, block):
    """The share of ``line`` (folded) found in ``block`` (folded), in
    runs of 4 characters or more (single letters match anywhere)."""
    if not line:
        return 1.0
    matcher = SequenceMatcher(None, line, block, autojunk=False)
    found = sum(size for _a, _b, size in matcher.get_matching_blocks() if size >= 4)
    return found / len(line)


def without_covered(lines, block, share=0.7, spare=1):
    """``lines`` with the run of lines that ``block`` reads again removed
    (``spare`` lines of the run may be read differently)."""
    folded_block = fold(block)
    first_miss, misses = None, 0
    for index, line in enumerate(lines):
        folded = fold(line)
        if not folded:
            continue
        if covered(folded, folded_block) >= share:
            first_miss, misses = None, 0
            continue
        if first_miss is None:
            first_miss = index
        misses += 1
        if misses > spare:
            break
    return [] if first_miss is None else lines[first_miss:]


def replace_header(page_text, header):
    """The page's text with its header lines replaced by ``header``."""
    lines = page_text.splitlines()
    rest = without_covered(lines, header)
    return "\n".join([line for line in header.splitlines() if line.strip()] + rest)


def replace_footer(page_text, footer):
    """The page's text with its lines from "Nơi nhận" on replaced by
    ``footer``; lines above it that the footer reads again (tesseract may
    read the signer's block first) are dropped."""
    lines = page_text.splitlines()
    index = max(
        (number for number, line in enumerate(lines) if RECIPIENTS_LABEL.search(line)),
        default=None,
    )
    if index is None:
        return page_text
    footer_lines = [line for line in footer.splitlines() if line.strip()]
    kept = lines[:index]
    folded = fold(footer)
    for number in range(len(kept) - 1, max(-1, len(kept) - 8), -1):
        line = fold(kept[number])
        if line and covered(line, folded) >= 0.8:
            del kept[number]
    return "\n".join(kept + footer_lines) + "\n"


def read_blocks(blocks, workdir, name, language, timeout):
    text = tesseract_blocks(blocks, workdir, name, language, timeout)
    return text if text.strip() else None


def refine(pdf_path, text, workdir, language="vie", timeout=60):
    """``text`` (OCRmyPDF's sidecar: pages separated by form feeds) with
    the header of the first page and the footer of the page holding the
    last "Nơi nhận" read column by column from ``pdf_path`` (OCRmyPDF's
    searchable PDF)."""
    import pypdfium2

    pages = text.split("\f")
    pdf = pypdfium2.PdfDocument(pdf_path)
    try:
        count = min(len(pdf), len(pages))
        if not count:
            return text
        first = Page(pdf[0])
        blocks = header_blocks(first)
        if blocks:
            header = read_blocks(blocks, workdir, "header", language, timeout)
            if header and MOTTO_LABEL.search(header):
                pages[0] = replace_header(pages[0], header)
        last = None
        for index in range(count - 1, -1, -1):
            page = first if index == 0 else Page(pdf[index])
            if page.find(RECIPIENTS_LABEL):
                last = (index, page)
                break
        if last is not None:
            index, page = last
            blocks = footer_blocks(page)
            if blocks:
                footer = read_blocks(blocks, workdir, "footer", language, timeout)
                if footer and RECIPIENTS_LABEL.search(footer):
                    pages[index] = replace_footer(pages[index], footer)
    finally:
        pdf.close()
    return "\f".join(pages)
