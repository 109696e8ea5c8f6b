"""Sign an issued document's PDF with its agency's certificate.

The agency's key is a PKCS#12 file on the server; its password is read
from an environment variable or from a file only the portal's user may
read, never from the ZODB. The visible stamp carries what Decree 30
(Appendix I, part II) asks of the agency's signature: the agency, the
document's number and symbol and the signing time in ISO 8601 with the
Vietnam offset, in the top right corner of the first page.
"""

from pathlib import Path

import datetime
import io
import os
import stat

# TrueType fonts with every Vietnamese letter, from Debian packages the
# project installs (scripts/system-deps.sh): Liberation Sans (Arial's
# metrics, narrow enough for the stamp), else DejaVu Sans.
FONT_FILES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
VIETNAM = datetime.timezone(datetime.timedelta(hours=7))
FIELD_NAME = "CoQuanBanHanh"


class SigningError(Exception):
    """The document cannot be signed (no key, wrong password, bad PDF)."""


def parse_key_line(line):
    """``"OrganId | /path/key.p12 | env:NAME"`` -> ``(organ_id, path, source)``."""
    parts = [part.strip() for part in (line or "").split("|")]
    if len(parts) != 3 or not all(parts):
        return None
    return tuple(parts)


def key_for(lines, organ_id):
    """``(path, password source)`` of the agency ``organ_id``, or None."""
    for line in lines or ():
        parsed = parse_key_line(line)
        if parsed and parsed[0] == organ_id:
            return parsed[1], parsed[2]
    return None


def read_password(source):
    """The password named by ``env:NAME`` or ``file:/path`` (a file that
    only its owner may read)."""
    kind, _sep, name = (source or "").partition(":")
    if kind == "env":
        value = os.environ.get(name)
        if value is None:
            raise SigningError(f"environment variable {name} is not set")
        return value.encode("utf-8")
    if kind == "file":
        path = Path(name)
        try:
            mode = path.stat().st_mode
        except OSError as error:
            raise SigningError(f"cannot read the password file: {error}") from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SigningError(f"{name} may be read by others: chmod 600 it")
        return path.read_bytes().rstrip(b"\r\n")
    raise SigningError("the password source must be env:NAME or file:/path")


def load_signer(path, password_source):
    from pyhanko.sign import signers

    if not os.path.isfile(path):
        raise SigningError(f"no PKCS#12 file at {path}")
    signer = signers.SimpleSigner.load_pkcs12(
        pfx_file=path, passphrase=read_password(password_source)
    )
    if signer is None:
        raise SigningError("the PKCS#12 file or its password is wrong")
    return signer


def stamp_text(agency, number_symbol, when):
    """The stamp's lines (Vietnamese, as printed on the page)."""
    return "\n".join(
        line
        for line in (
            agency,
            f"Số: {number_symbol}" if number_symbol else "",
            f"Thời gian ký: {when.isoformat(timespec='seconds')}",
        )
        if line
    )


_FONTS = {}


def stamp_font(path):
    """The font at ``path`` as bytes, scaled to 1000 units per em.

    pyHanko (0.38) writes a font's glyph widths and kerning into the PDF
    in the font's own units, where PDF expects thousandths of an em: a
    font of 2048 units per em (DejaVu, Liberation) has its letters drawn
    twice as far apart. Scaled to 1000 units the numbers are right.
    """
    if path not in _FONTS:
        from fontTools.ttLib import TTFont
        from fontTools.ttLib.scaleUpem import scale_upem

        font = TTFont(path)
        if "FFTM" in font:  # FontForge's timestamp: nothing to embed
            del font["FFTM"]
        if font["head"].unitsPerEm != 1000:
            scale_upem(font, 1000)
        output = io.BytesIO()
        font.save(output)
        _FONTS[path] = output.getvalue()
    return _FONTS[path]


def font_factory(path):
    """A pyHanko font engine factory embedding the font at ``path``
    (subset, with its Unicode map: the stamp's text can be copied)."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

    class Factory(GlyphAccumulatorFactory):
        def create_font_engine(self, writer, obj_stream=None):
            if obj_stream is None and writer.stream_xrefs:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(
                writer=writer,
                font_handle=io.BytesIO(stamp_font(self.font_file)),
                font_size=self.font_size,
                bcp47_lang_code="vi",
                obj_stream=obj_stream,
            )

    return Factory(path, font_size=STAMP_FONT_SIZE)


STAMP_FONT_SIZE = 8


def _media_box(pages):
    """The first page's MediaBox (inherited from the page tree if need be;
    A4 when nowhere)."""
    node = pages
    while True:
        if "/MediaBox" in node:
            box = [float(value) for value in node["/MediaBox"]]
        if "/Kids" not in node:
            break
        node = node["/Kids"][0].get_object()
    if "/MediaBox" in node:
        box = [float(value) for value in node["/MediaBox"]]
    return locals().get("box", [0, 0, 595.0, 842.0])


def sign_pdf(data, signer, agency, number_symbol, when=None):
    """Return ``data`` (a PDF) signed by ``signer`` with a visible stamp,
    as an incremental update: earlier signatures stay valid."""
    from pyhanko import stamp
    from pyhanko.pdf_utils import text
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.layout import AxisAlignment
    from pyhanko.pdf_utils.layout import SimpleBoxLayoutRule
    from pyhanko.sign import fields
    from pyhanko.sign import signers

    when = (when or datetime.datetime.now(VIETNAM)).astimezone(VIETNAM)
    font = next((path for path in FONT_FILES if os.path.exists(path)), None)
    if font is None:
        raise SigningError("no font for the stamp (install fonts-liberation2)")
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        if writer.prev.encrypted:
            raise SigningError("the PDF is encrypted")
        box = _media_box(writer.root["/Pages"])
        x2, y2 = box[2] - 20, box[3] - 20
        style = stamp.TextStampStyle(
            stamp_text=stamp_text(agency, number_symbol, when),
            text_box_style=text.TextBoxStyle(
                font=font_factory(font), font_size=STAMP_FONT_SIZE
            ),
            inner_content_layout=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MID
            ),
            border_width=1,
        )
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            location=agency,
            reason=f"Phát hành {number_symbol}" if number_symbol else "Phát hành",
        )
        pdf_signer = signers.PdfSigner(
            meta,
            signer=signer,
            stamp_style=style,
            new_field_spec=fields.SigFieldSpec(
                sig_field_name=FIELD_NAME, on_page=0, box=(x2 - 210, y2 - 48, x2, y2)
            ),
        )
        output = pdf_signer.sign_pdf(writer)
    except SigningError:
        raise
    except Exception as error:
        raise SigningError(f"cannot sign: {error}") from error
    return output.getvalue()
