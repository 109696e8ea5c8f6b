"""Text out of mail's bytes and headers, whatever their encoding.

Mail from the province's agencies still arrives in windows-1258, VISCII or
undeclared 8-bit; nothing here raises on it: the best text that can be had
is returned. Pure functions.
"""

from email.header import decode_header
from email.header import Header
from email.headerregistry import HeaderRegistry

import codecs
import re
import unicodedata

# -- VISCII (RFC 1456): not among Python's codecs ---------------------------

_VISCII_HIGH = (
    "ẠẮẰẶẤẦẨẬẼẸẾỀỂỄỆỐỒỔỖỘỢỚỜỞỊỎỌỈỦŨỤỲ"
    "ÕắằặấầẩậẽẹếềểễệốồổỗỠƠộờởịỰỨỪỬơớƯ"
    "ÀÁÂÃẢĂẳẵÈÉÊẺÌÍĨỳĐứÒÓÔạỷừửÙÚỹỵÝỡư"
    "àáâãảăữẫèéêẻìíĩỉđựòóôõỏọụùúũủýợỮ"
)
_VISCII_LOW = {0x02: "Ẳ", 0x05: "Ẵ", 0x06: "Ẫ", 0x14: "Ỷ", 0x19: "Ỹ", 0x1E: "Ỵ"}
_VISCII_TABLE = "".join(_VISCII_LOW.get(i, chr(i)) for i in range(128)) + _VISCII_HIGH
_VISCII_ENCODING = codecs.charmap_build(_VISCII_TABLE)


class _VisciiCodec(codecs.Codec):
    def encode(self, text, errors="strict"):
        return codecs.charmap_encode(text, errors, _VISCII_ENCODING)

    def decode(self, data, errors="strict"):
        return codecs.charmap_decode(data, errors, _VISCII_TABLE)


def _search_codec(name):
    if name.replace("-", "_") in ("viscii", "x_viscii", "csviscii", "viscii1.1_1"):
        codec = _VisciiCodec()
        return codecs.CodecInfo(codec.encode, codec.decode, name="viscii")
    return None


codecs.register(_search_codec)

# Charsets tried, in order, for text that declares none or a wrong one.
FALLBACK_CHARSETS = ("utf-8", "cp1258", "latin-1")


def decode_bytes(data, charset=None):
    """Text of ``data`` in ``charset``, else the first fallback that fits.

    ``latin-1`` decodes anything, so this always returns text.
    """
    charsets = []
    if charset:
        charset = str(charset).strip().strip('"').lower()
        try:
            codecs.lookup(charset)
            charsets.append(charset)
        except LookupError:
            pass
    charsets += [c for c in FALLBACK_CHARSETS if c not in charsets]
    for name in charsets:
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1", "replace")  # pragma: no cover


def clean_text(text):
    """Normalized (NFC) text without control characters except newlines."""
    text = unicodedata.normalize("NFC", text)
    return "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C"
    )


_HEADERS = HeaderRegistry()


def _decode_words(text):
    """RFC 2047 words of an unfolded header decoded (spacing as the RFC
    says); the legacy decoder when the modern one gives up."""
    try:
        decoded = str(_HEADERS("x-text", text))
    except Exception:
        try:
            chunks = decode_header(text)
        except Exception:
            return text
        decoded = "".join(
            decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
            for chunk, charset in chunks
        )
    try:
        decoded.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes kept as surrogates
        decoded = decode_bytes(decoded.encode("utf-8", "surrogateescape"))
    return decoded


def decode_header_value(value):
    """A header as one line of text: RFC 2047 words decoded, raw 8-bit
    guessed, folding and control characters removed."""
    if value is None:
        return ""
    if isinstance(value, Header):
        # compat32 hands undeclared 8-bit headers over as Header objects.
        try:
            chunks = decode_header(value)
            text = "".join(
                decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
                for chunk, charset in chunks
            )
        except Exception:
            text = str(value)
    else:
        text = str(value)
        try:
            raw = text.encode("ascii", "surrogateescape")
        except UnicodeEncodeError:
            raw = None
        if raw is not None and any(b > 127 for b in raw):
            text = decode_bytes(raw)
    text = re.sub(r"\r?\n[ \t]+", " ", text)
    if "=?" in text:
        text = _decode_words(text)
    text = clean_text(text).replace("\n", " ").replace("\t", " ")
    return re.sub(r" {2,}", " ", text).strip()
