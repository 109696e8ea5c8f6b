"""Measures of the reading benchmark: character error rate of OCR and
precision/recall of the extracted fields. Imported by bench/bench_reading.py
and tests/test_reading.py.

CER is reading-order independent (a light form of the flexible character
accuracy of Clausner et al., ICDAR 2020): Decree 30's header and footer
are two columns whose lines tesseract may read across ("UBND TỈNH PHÚ THỌ
CỘNG HÒA XÃ HỘI…"). Each ground-truth line, longest first, is aligned
with its best-matching stretch of the OCR text still unmatched; its edit
distance counts, the stretch is consumed. Ground-truth lines with no fair
match count whole, OCR characters left over count as insertions. Spaces
and line breaks are normalised (one space) before comparing.
"""

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import partial_ratio_alignment

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def normalise(text):
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def errors(truth, ocr):
    """``(edit errors, ground-truth characters)`` of ``ocr`` against
    ``truth`` (both texts, lines separated by newlines)."""
    lines = sorted(
        (normalise(line) for line in truth.splitlines() if normalise(line)),
        key=len,
        reverse=True,
    )
    segments = [normalise(ocr)]
    total = sum(len(line) for line in lines)
    count = 0
    for line in lines:
        best = None
        for index, segment in enumerate(segments):
            if not segment:
                continue
            if len(segment) <= len(line):
                start, end = 0, len(segment)
            else:
                alignment = partial_ratio_alignment(line, segment)
                start, end = alignment.dest_start, alignment.dest_end
                # Widen to whole words: an alignment may cut one.
                while start > 0 and segment[start - 1] != " ":
                    start -= 1
                while end < len(segment) and segment[end] != " ":
                    end += 1
            distance = Levenshtein.distance(line, segment[start:end].strip())
            if best is None or distance < best[0]:
                best = (distance, index, start, end)
        if best is None or best[0] > 0.6 * len(line):
            count += len(line)
            continue
        distance, index, start, end = best
        count += distance
        segment = segments.pop(index)
        segments[index:index] = [segment[:start].strip(), segment[end:].strip()]
    count += sum(len(segment.replace(" ", "")) for segment in segments)
    return count, total


def cer(truth, ocr):
    count, total = errors(truth, ocr)
    return count / total if total else 0.0


def fold(value):
    """Compare fields case- and space-insensitively (not diacritics)."""
    return normalise(value).casefold().rstrip(" .;,")


def similar(expected, found, tolerance):
    if tolerance == 0:
        return fold(expected) == fold(found)
    a, b = fold(expected), fold(found)
    return Levenshtein.normalized_distance(a, b) <= tolerance


# Field -> allowed normalised edit distance. Codes, dates, names and
# titles must be exact; long texts (the subject, a recipient) count as
# right when at most 1 character in 20 differs: the clerk fixes a letter
# rather than typing the field.
TOLERANCE = {
    "agency": 0,
    "organ_id": 0,
    "number_symbol": 0,
    "place": 0,
    "date": 0,
    "document_type": 0,
    "subject": 0.05,
    "signer_authority": 0,
    "signer_position": 0,
    "signer_name": 0,
    "recipients": 0.05,
}


class Scores:
    """Per-field counts: expected, proposed, correct (recipients count per
    line)."""

    def __init__(self):
        self.counts = {name: [0, 0, 0] for name in TOLERANCE}

    def add(self, expected, proposed):
        for name, tolerance in TOLERANCE.items():
            counts = self.counts[name]
            want, got = expected.get(name), proposed.get(name)
            if name == "recipients":
                want, got = list(want or ()), list(got or ())
                counts[0] += len(want)
                counts[1] += len(got)
                for item in got:
                    match = next((w for w in want if similar(w, item, tolerance)), None)
                    if match is not None:
                        want.remove(match)
                        counts[2] += 1
                continue
            if want:
                counts[0] += 1
            if got:
                counts[1] += 1
                if want and similar(str(want), str(got), tolerance):
                    counts[2] += 1

    def table(self):
        """``{field: (precision, recall, expected, proposed, correct)}``."""
        result = {}
        for name, (expected, proposed, correct) in self.counts.items():
            precision = correct / proposed if proposed else 1.0
            recall = correct / expected if expected else 1.0
            result[name] = (precision, recall, expected, proposed, correct)
        return result


def misses(name, expected, proposed):
    """Lines saying which fields of document ``name`` were wrong or
    missing, to read what the rules miss."""
    lines = []
    for field, tolerance in TOLERANCE.items():
        want, got = expected.get(field), proposed.get(field)
        if field == "recipients":
            want, got = list(want or ()), list(got or ())
            wrong = [g for g in got if not any(similar(w, g, tolerance) for w in want)]
            lost = [w for w in want if not any(similar(w, g, tolerance) for g in got)]
            if wrong or lost:
                lines.append(f"{name} recipients: got {wrong} for {lost}")
            continue
        if (want or got) and not (
            want and got and similar(str(want), str(got), tolerance)
        ):
            lines.append(f"{name} {field}: got {got!r} for {want!r}")
    return lines


def expected_fields(doc):
    """The fields a corpus document (scripts/ocr_corpus.py) should yield."""
    return {
        "agency": doc["agency"],
        "organ_id": doc["organ_id"],
        "number_symbol": doc["number_symbol"],
        "place": doc["place"],
        "date": doc["date"],
        "document_type": doc["document_type"],
        "subject": doc["subject"],
        "signer_authority": doc["signer_authority"],
        "signer_position": doc["signer_position"],
        "signer_name": doc["signer_name"],
        "recipients": doc["recipients"],
    }
