"""Rules that read the fields of a Vietnamese official document from its
text, following Decree 30's layout (Appendix I).

The text may come from a PDF's text layer or from OCR, where tesseract
reads a two-column header or footer across ("UBND TỈNH PHÚ THỌ CỘNG HÒA
XÃ HỘI CHỦ NGHĨA VIỆT NAM"): the fixed parts (the motto, the place and
date, the signer's lines) are recognised wherever they sit on a line and
cut out, what is left is the other column. Nothing here is statistical;
every field is a proposal the clerk confirms.
"""

from difflib import SequenceMatcher

import datetime
import re
import unicodedata

UPPER = "A-ZĐÀ-ỸẠ-Ỹ"
_MOTTO = re.compile(
    r"C[ỘO]NG\s+H[ÒOÀ]A\s+X[ÃA]\s+H[ỘO]I\s+CH[ỦU]\s+NGH[ĨI]A\s+VI[ỆE]T\s+NAM", re.I
)
_MOTTO_2 = re.compile(
    r"Đ[ộo]c\s+l[ậa]p\s*[-–]\s*T[ựu]\s+do\s*[-–]\s*H[ạa]nh\s+ph[úu]c", re.I
)
_DATE = re.compile(
    r"(?:(?P<place>[^\W\d_][\w .'-]{0,40}?)\s*,\s*)?ngày\s+(?P<d>\d{1,2})\s+"
    r"tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})",
    re.I,
)
_NUMBER = re.compile(r"\bS[ốo]\s*[:.]?\s*(?P<value>[0-9][0-9A-Za-z]*\s*/\s*[^\s,;]+)")
_NUMBER_IN_TEXT = re.compile(
    r"\bs[ốo]\s+(?P<value>[0-9][0-9A-Za-z]*/[0-9A-Za-zĐđ]+(?:[-/][0-9A-Za-zĐđ]+)*)",
    re.I,
)
_SUBJECT_VV = re.compile(r"\bV/v\b\s*(?P<rest>.*)")
_ABOUT = re.compile(r"\b(?:về\s+việc|V/v)\s+(?P<rest>[^\n]+)", re.I)
_AUTHORITY = re.compile(
    rf"\b(?P<prefix>TM|KT|TUQ|TL|Q)\.\s*(?P<rest>[{UPPER}][{UPPER}\s.,-]*)$"
)
# "Nơi nhận:" and what OCR makes of its accents ("Nơi nhạn", "Noi nhan").
_RECIPIENTS = re.compile(r"N[ơoớờợ]i\s*nh[ậaâạấầẩ]n\s*:?", re.I)
_UPPER_RUN = re.compile(rf"(?:^|\s)(?P<run>[{UPPER}][{UPPER}\s.,-]*[{UPPER}])\s*$")
_NAME = re.compile(rf"^(?:[{UPPER}][a-zà-ỹđ]+)(?:\s+[{UPPER}][a-zà-ỹđ]+){{1,4}}$")
_BODY_START = re.compile(r"^(Căn cứ|Thực hiện|Kính gửi|Theo|Để|Ngày|Xét|Nhằm)\b")


def nfc(text):
    return unicodedata.normalize("NFC", text or "")


def fold(text):
    """Case-, accent- and space-insensitive form, for matching names."""
    text = nfc(text).replace("Đ", "D").replace("đ", "d")
    text = "".join(
        char
        for char in unicodedata.normalize("NFD", text)
        if unicodedata.category(char) != "Mn"
    )
    text = re.sub(r"\bUY BAN NHAN DAN\b", "UBND", text.upper())
    return re.sub(r"[^0-9A-Z]+", " ", text).strip()


def is_upper(text):
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and all(char.isupper() for char in letters)


def clean_lines(text):
    """Lines without the motto and with the date kept apart."""
    lines = []
    for raw in nfc(text).replace("\f", "\n").splitlines():
        line = _MOTTO.sub(" ", raw)
        line = _MOTTO_2.sub(" ", line)
        line = re.sub(r"\s+", " ", line).strip(" |")
        lines.append(line)
    return lines


def find_date(lines):
    """``(place, date)`` of the first "…, ngày dd tháng mm năm yyyy"."""
    for index, line in enumerate(lines[:40]):
        match = _DATE.search(line)
        if not match:
            continue
        try:
            value = datetime.date(
                int(match.group("y")), int(match.group("m")), int(match.group("d"))
            )
        except ValueError:
            continue
        place = (match.group("place") or "").strip()
        # What precedes the place on the line is the other column.
        place = re.split(r"\s{2,}|\b\d+\b", place)[-1].strip()
        words = place.split()
        while words and not words[0][:1].isupper():
            words.pop(0)
        # The place is in title case ("Phú Thọ"): capitals of the left
        # column before it ("SỐ: …") are not part of it.
        while len(words) > 1 and is_upper(words[0]) and len(words[0]) > 1:
            words.pop(0)
        lines[index] = (line[: match.start()] + " " + line[match.end() :]).strip()
        if match.group("place"):
            lines[index] = line[: match.start("place")].strip() or lines[index]
            lines[index] = _DATE.sub("", lines[index]).strip()
        return " ".join(words), value
    return "", None


# "Số:" read wrongly by OCR ("õ:", "ố:", ": ") before a number and
# symbol at the start of a header line: "15/QĐ-UBND", "05/2026/QĐ-UBND".
_NUMBER_MISREAD = re.compile(
    r"^\W{0,2}\w{0,2}\s*[:.]\s*(?P<value>\d{1,4}(?:/\d{4})?/[A-ZĐ][\wĐđ]*"
    r"(?:-[\wĐđ]+)+)"
)


def find_number(lines, text):
    """``(line index or None, number and symbol)``: after "Số:" in the
    header, else where OCR misread the label; only a text without a
    header (a mail) is searched for "số 15/QĐ-UBND" in its sentences,
    where a document's body cites other documents."""
    for index, line in enumerate(lines[:30]):
        match = _NUMBER.search(line)
        if match:
            value = re.sub(r"\s+", "", match.group("value")).rstrip(".,;")
            return index, value
    for index, line in enumerate(lines[:12]):
        match = _NUMBER_MISREAD.match(line)
        if match:
            return index, match.group("value").rstrip(".,;")
    text = nfc(text)
    if _MOTTO.search(text) or _MOTTO_2.search(text):
        return None, ""
    match = _NUMBER_IN_TEXT.search(text)
    if match:
        return None, match.group("value").rstrip(".,;")
    return None, ""


def agency_lines(lines, number_index):
    """The capitalised lines above the number (the left header)."""
    found = []
    for line in lines[: number_index if number_index is not None else 6]:
        line = line.strip()
        if not line or not is_upper(line):
            if found and line:
                break
            continue
        found.append(line)
    return found[-3:]


def match_agency(candidates, agencies):
    """The known agency (``(name, organ_id)``) the header names, exactly
    (folded) or nearly (an OCR error), else None."""
    if not candidates:
        return None
    keys = []
    agency = candidates[-1]
    superior = candidates[-2] if len(candidates) > 1 else ""
    keys.append(fold(agency))
    if superior:
        keys.append(fold(f"{agency} {superior}"))
        keys.append(fold(f"{superior} {agency}"))
    known = [(fold(name), name, organ_id) for name, organ_id in agencies]
    for key in keys:
        for folded, name, organ_id in known:
            if key and key == folded:
                return name, organ_id
    best = None
    for key in keys:
        for folded, name, organ_id in known:
            ratio = SequenceMatcher(None, key, folded).ratio()
            if ratio >= 0.9 and (best is None or ratio > best[0]):
                best = (ratio, name, organ_id)
    return best[1:] if best else None


def agency_title(line):
    """``"SỞ TÀI CHÍNH"`` -> ``"Sở Tài chính"``: capitalised as a name."""
    words = line.lower().split()
    if not words:
        return ""
    words[0] = words[0].capitalize()
    return " ".join(words)


def find_type(lines, start, types, symbol):
    """``(token, index of the title line)``: the type printed in capitals,
    else the type the symbol's abbreviation names."""
    titles = {fold(title): token for token, title, _abbr in types if title}
    for index in range(start, min(len(lines), start + 12)):
        key = fold(lines[index])
        if key in titles:
            return titles[key], index
    head = (symbol.split("/", 1)[1] if "/" in symbol else "").split("-")[0]
    for token, _title, abbreviation in types:
        if abbreviation and head == abbreviation:
            return token, None
    return None, None


# A numbered point of the body ("1. Rà soát…", "2) …", "a) …") starts
# something new; a subject wrapped before a year ("…năm học\n2026-2027")
# goes on.
_LIST_ITEM = re.compile(r"^(?:\d+|[a-zđ])\s*[.)]\s")


def continues(line):
    """True when ``line`` goes on with the line above it (a wrapped
    subject): it starts in lower case or with a number that is not a
    numbered point, and is not the place and date."""
    if not line or _DATE.search(line) or _LIST_ITEM.match(line):
        return False
    return line[0].islower() or line[0].isdigit()


def continuation(lines, index, limit=3):
    """A line and the lines continuing it (see :func:`continues`)."""
    parts = [lines[index]]
    for line in lines[index + 1 : index + limit]:
        if not continues(line):
            break
        parts.append(line)
    return " ".join(parts).strip()


def find_subject(lines, type_index, type_token):
    for index, line in enumerate(lines[:20]):
        match = _SUBJECT_VV.search(line)
        if match:
            lines = list(lines)
            lines[index] = line[match.start() :]
            return continuation(lines, index).rstrip(" .")
    if type_index is not None:
        for index in range(type_index + 1, min(len(lines), type_index + 4)):
            if lines[index]:
                if _BODY_START.match(lines[index]):
                    break
                return continuation(lines, index).rstrip(" .")
    return ""


# Positions printed in signature blocks; a position read with a wrong
# accent (OCR) is snapped to the one it folds to.
POSITIONS = (
    "CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "GIÁM ĐỐC",
    "PHÓ GIÁM ĐỐC",
    "CỤC TRƯỞNG",
    "PHÓ CỤC TRƯỞNG",
    "CHÁNH VĂN PHÒNG",
    "PHÓ CHÁNH VĂN PHÒNG",
    "TRƯỞNG PHÒNG",
    "PHÓ TRƯỞNG PHÒNG",
    "TRƯỞNG BAN",
    "PHÓ TRƯỞNG BAN",
    "BỘ TRƯỞNG",
    "THỨ TRƯỞNG",
    "CHÁNH THANH TRA",
)


def snap_position(run):
    """The known position ``run`` ends with (accents as they should be),
    else ``run`` itself."""
    key = fold(run)
    for position in sorted(POSITIONS, key=len, reverse=True):
        folded = fold(position)
        if key == folded or key.endswith(" " + folded):
            return position
    return run


def find_signer(lines, heading=()):
    """``(authority, position, name, index of the block)`` from the end;
    the ``heading`` lines (the agency in capitals above the number) are no
    position, in a short text without a signature block."""
    start = max(0, len(lines) - 40)
    authority = position = name = ""
    block = None
    for index in range(len(lines) - 1, start - 1, -1):
        match = _AUTHORITY.search(lines[index])
        if match:
            authority = match.group("prefix") + "."
            block = index
            break
    tail = [line for line in lines[start:] if line]
    for line in reversed(tail):
        candidate = line.split("  ")[-1].strip()
        if _NAME.match(candidate):
            name = candidate
            break
        words = candidate.split()
        for size in (5, 4, 3, 2):
            if len(words) > size and _NAME.match(" ".join(words[-size:])):
                name = " ".join(words[-size:])
                break
        if name:
            break
    if block is not None:
        for line in lines[block + 1 : block + 4]:
            match = _UPPER_RUN.search(line)
            if match and not _AUTHORITY.search(line):
                position = snap_position(match.group("run").strip(" .,"))
                break
    else:
        for line in reversed(tail[-12:]):
            match = _UPPER_RUN.search(line)
            if (
                match
                and len(match.group("run")) > 3
                and not line.startswith("-")
                and line.strip() not in heading
            ):
                position = snap_position(match.group("run").strip(" .,"))
                break
    return authority, position, name, block


# A recipient's line: a dash (OCR may put a speck before it), the name.
_RECIPIENT_ITEM = re.compile(r"^[^\w\s]{0,2}\s?[-+•–—]\s*(?P<item>.*)$")
# The last line is always "Lưu: VT, <unit>" (the clerical archive, văn
# thư): OCR's misreadings of it ("1ữu: VI, TH", "Lưu VT") are put right.
_ARCHIVE = re.compile(
    r"^(?:L[ưu]u|\S{1,5})\s*[:;.,]?\s*V(?:T[A-Z1|]?|[IlF1|])\s*"
    r"(?P<rest>(?:[,.;]\s*[A-ZĐ0-9][\w&]*)?)$"
)


def archive_line(item):
    """``"Lưu: VT, TH"`` for what OCR read of it, else ``item``."""
    match = _ARCHIVE.match(item)
    if not match or not (item.startswith("L") or match.group("rest")):
        return item
    rest = match.group("rest").lstrip(",.; ")
    return f"Lưu: VT, {rest}" if rest else "Lưu: VT"


def find_recipients(lines, strip=()):
    """The lines after "Nơi nhận:" that start with a dash, up to the
    archive line ("Lưu: VT, …"); ``strip``: texts of the signer's column
    that OCR may have read into the same lines."""
    found = []
    started = False
    for line in lines:
        match = _RECIPIENTS.search(line)
        if match:
            started = True
            line = line[match.end() :]
        if not started:
            continue
        for text in strip:
            if text:
                line = line.replace(text, " ")
        line = _AUTHORITY.sub("", line).strip()
        match = _RECIPIENT_ITEM.match(line)
        if not match:
            continue
        item = re.sub(r"\s+", " ", match.group("item"))
        # Each recipient ends with ";": what follows on the line is the
        # signer's column or a speck OCR read into it.
        item = item.split(";")[0].rstrip(" ;.,:")
        item = archive_line(item)
        if item:
            found.append(item)
        if item.startswith("Lưu"):
            break
    return found


def propose(text, agencies=(), types=()):
    """The fields read from ``text``, as a dict of the values found.

    :param agencies: ``(name, OrganId)`` of the agencies to match the
        header against (the portal's and the configured list).
    :param types: ``(token, title, abbreviation)`` of the document types.
    """
    lines = clean_lines(text)
    place, date = find_date(lines)
    number_index, number_symbol = find_number(lines, text)
    result = {}
    if number_symbol:
        result["number_symbol"] = number_symbol
    if date:
        result["date"] = date.isoformat()
    if place:
        result["place"] = place
    candidates = agency_lines(lines, number_index)
    agency = match_agency(candidates, agencies)
    if agency:
        result["agency"], organ_id = agency
        if organ_id:
            result["organ_id"] = organ_id
    elif candidates:
        result["agency"] = agency_title(candidates[-1])
    token, type_index = find_type(
        lines, (number_index or 0) + 1, types, number_symbol or ""
    )
    subject = find_subject(lines, type_index, token)
    if token is None and subject.startswith("V/v"):
        token = "cong-van"
    if token:
        result["document_type"] = token
    if subject:
        result["subject"] = subject
    authority, position, name, _block = find_signer(lines, heading=candidates)
    if authority:
        result["signer_authority"] = authority
    if position:
        result["signer_position"] = position
    if name:
        result["signer_name"] = name
    authority_line = next((m.group(0) for m in map(_AUTHORITY.search, lines) if m), "")
    recipients = find_recipients(lines, strip=(position, name, authority_line))
    if recipients:
        result["recipients"] = recipients
    return result


def propose_from_mail(subject, body, agencies=(), types=()):
    """Fields of a document that arrived by e-mail: the body is read like
    a document; the mail's subject adds the number and the trích yếu when
    it names them ("Gửi văn bản số 15/QĐ-UBND về việc …")."""
    result = propose(body or "", agencies, types)
    subject = nfc(subject or "")
    if "number_symbol" not in result:
        match = _NUMBER_IN_TEXT.search(subject)
        if match:
            result["number_symbol"] = match.group("value").rstrip(".,;")
    if "subject" not in result:
        match = _ABOUT.search(subject)
        if match:
            result["subject"] = match.group("rest").strip(" .")
    if "document_type" not in result and result.get("number_symbol"):
        token, _index = find_type([], 0, types, result["number_symbol"])
        if token:
            result["document_type"] = token
    return result
