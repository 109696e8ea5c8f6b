"""Folding Vietnamese text for search: "Quyết định" and "quyet dinh" meet.

Unicode decomposition strips the tone and vowel marks but leaves "đ"
(U+0111), which is a letter of its own, not a "d" with a mark: it is
mapped explicitly.
"""

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
