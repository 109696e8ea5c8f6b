"""Plain-text helpers: folding Vietnamese for search ("Quyết định" and
"quyet dinh" meet) and the characters a document's text may not contain.

Unicode decomposition strips the tone and vowel marks but leaves "đ"
(U+0111), which is a letter of its own, not a "d" with a mark: it is
mapped explicitly.
"""

import re
import unicodedata

_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def fold(text):
    """Return ``text`` lower-cased, without diacritics, ``đ`` as ``d``."""
    if not text:
        return ""
    text = text.translate(_EXTRA)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.lower()


# Characters that have no place in the text of an official document and
# only serve to hide or garble it: C0/C1 controls (tab and line breaks
# excepted), bidirectional overrides and isolates (U+202A-U+202E,
# U+2066-U+2069, which make "txt.exe" read "exe.txt"), and lone surrogates
# (JSON lets "\ud800" through; it cannot be stored as UTF-8).
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def forbidden_characters(text):
    """The forbidden characters found in ``text``, as ``U+XXXX`` codes
    (empty when there are none)."""
    if not text:
        return []
    found = sorted(set(_FORBIDDEN.findall(text)))
    return [f"U+{ord(char):04X}" for char in found]
