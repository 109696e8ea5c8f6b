"""Write a corpus of hostile and odd mail for the mail-in tests.

    python3 scripts/mail_corpus.py OUTDIR [--to vanthu.sokhcn@phutho.gov.vn]

Each message is an ``.eml`` file in OUTDIR, listed in ``manifest.json`` with
the envelope recipients and its documented outcome:

- ``created``: accepted (SMTP 250), one incoming document per agency;
- ``duplicate``: accepted (250), nothing new (the same message came before);
- ``refused``: SMTP ``code`` (550 unknown recipient at RCPT, 552 too large,
  554 nothing usable) and no document.

``checks`` says what the document must look like (title, main file, annex
names, text that must not survive sanitising). The 60 MB message is
written only with ``--large`` (the tests ask for it). Standard library only.
"""

from email.message import EmailMessage

import argparse
import base64
import io
import json
import os
import re
import unicodedata
import zipfile

TO = "vanthu.sokhcn@phutho.gov.vn"
OTHER = "vanthu.sonoivu@phutho.gov.vn"
UNKNOWN = "khongco@phutho.gov.vn"
FROM = "Sở Y tế tỉnh Hà Nam <vanthu@syt.hanam.gov.vn>"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
VISCII_HIGH = (
    "ẠẮẰẶẤẦẨẬẼẸẾỀỂỄỆỐỒỔỖỘỢỚỜỞỊỎỌỈỦŨỤỲ"
    "ÕắằặấầẩậẽẹếềểễệốồổỗỠƠộờởịỰỨỪỬơớƯ"
    "ÀÁÂÃẢĂẳẵÈÉÊẺÌÍĨỳĐứÒÓÔạỷừửÙÚỹỵÝỡư"
    "àáâãảăữẫèéêẻìíĩỉđựòóôõỏọụùúũủýợỮ"
)


def viscii(text):
    """``text`` in VISCII (RFC 1456; no Python codec ships it)."""
    table = {ch: 0x80 + i for i, ch in enumerate(VISCII_HIGH)}
    table.update({"Ẳ": 0x02, "Ẵ": 0x05, "Ẫ": 0x06, "Ỷ": 0x14, "Ỹ": 0x19, "Ỵ": 0x1E})
    return bytes(table.get(ch, ord(ch)) for ch in text)


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text):
    """``text`` in windows-1258 (tone marks as combining characters, as the
    code page has them; Python's codec will not decompose by itself)."""
    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize(
            "NFC", "".join(c for c in parts if c not in TONE_MARKS)
        )
        tones = "".join(c for c in parts if c in TONE_MARKS)
        out.append((base + tones).encode("cp1258"))
    return b"".join(out)


def simple(subject, body="Nội dung văn bản.", message_id=None, pdf=True, **headers):
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = headers.pop("sender", FROM)
    msg["To"] = TO
    msg["Message-ID"] = message_id or f"<{abs(hash(subject))}.corpus@syt.hanam.gov.vn>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    if pdf:
        msg.add_attachment(
            PDF, maintype="application", subtype="pdf", filename="van-ban.pdf"
        )
    return msg.as_bytes()


def raw(headers, body, message_id=True, name=""):
    """A message written byte by byte (for what ``email`` refuses to make)."""
    head = [b"From: " + FROM.encode("utf-8"), b"To: " + TO.encode()]
    if message_id:
        head.append(b"Message-ID: <raw-" + name.encode() + b"@corpus.example>")
    head += headers
    return b"\r\n".join(head) + b"\r\n\r\n" + body


def nested(depth, name):
    """Multiparts ``depth`` deep around a PDF, written by hand (the
    ``email`` package itself recurses once per level)."""
    body = (
        b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="sau-nhat.pdf"\r\n\r\n'
        + base64.b64encode(PDF)
        + b"\r\n"
    )
    for level in range(depth):
        mark = f"n{level}".encode()
        body = (
            b'Content-Type: multipart/mixed; boundary="'
            + mark
            + b'"\r\n\r\n--'
            + mark
            + b"\r\n"
            + body
            + b"\r\n--"
            + mark
            + b"--\r\n"
        )
    head = (
        f"Subject: Thư lồng {depth} tầng\r\nFrom: {FROM}\r\nTo: {TO}\r\n"
        f"Message-ID: <nested-{name}@corpus.example>\r\nMIME-Version: 1.0\r\n"
    ).encode()
    return head + body


def zip_bomb(member, size=50 * 1024 * 1024):
    """A small zip expanding to ``size`` bytes of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(member, "w", force_zip64=True) as stream:
            chunk = b"\0" * (1024 * 1024)
            for _i in range(size // len(chunk)):
                stream.write(chunk)
    return buffer.getvalue()


def with_attachment(subject, data, content_type, filename, name):
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = FROM
    msg["To"] = TO
    msg["Message-ID"] = f"<{name}@corpus.example>"
    msg.set_content("Văn bản gửi kèm.")
    maintype, subtype = content_type.split("/")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def html_mail(name, html, subject="Thư HTML"):
    msg = EmailMessage()
    msg["Subject"] = f"{subject} ({name})"
    msg["From"] = FROM
    msg["To"] = TO
    msg["Message-ID"] = f"<html-{name}@corpus.example>"
    msg.set_content(html, subtype="html")
    return msg.as_bytes()


def cases(large=False):
    """``[(name, bytes, recipients, expectation dict)]``."""
    created = {"expect": "created", "smtp": 250}
    c = []

    def add(name, data, expect=None, rcpt=(TO,), **checks):
        entry = dict(expect or created)
        entry["checks"] = checks
        c.append((name, data, list(rcpt), entry))

    refused = {"expect": "refused"}
    duplicate = {"expect": "duplicate", "smtp": 250}

    # -- ordinary -----------------------------------------------------------
    add(
        "plain-utf8",
        simple("Công văn 12/SYT-VP về việc báo cáo", pdf=False),
        title="Công văn 12/SYT-VP về việc báo cáo",
    )
    add(
        "pdf-main",
        simple("Quyết định 45/QĐ-SYT về việc khen thưởng"),
        main="van-ban.pdf",
        number_symbol="45/QĐ-SYT",
        document_type="quyet-dinh",
    )
    add("pdf-main-again", simple("Quyết định 45/QĐ-SYT về việc khen thưởng"), duplicate)
    add(
        "docx-only",
        with_attachment(
            "Tờ trình", b"PK\x03\x04docx", DOCX_TYPE, "to-trinh.docx", "docx-only"
        ),
        main="to-trinh.docx",
    )
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = "PDF và DOCX", FROM, TO
    msg["Message-ID"] = "<pdf-docx@corpus.example>"
    msg.set_content("Hai tệp")
    msg.add_attachment(
        b"PK\x03\x04",
        maintype="application",
        subtype=DOCX_TYPE.split("/")[1],
        filename="du-thao.docx",
    )
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="chinh.pdf")
    add(
        "pdf-preferred-over-docx",
        msg.as_bytes(),
        main="chinh.pdf",
        annexes=["du-thao.docx"],
    )
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = "Hai mươi tệp", FROM, TO
    msg["Message-ID"] = "<many@corpus.example>"
    msg.set_content("Nhiều tệp")
    for i in range(20):
        msg.add_attachment(
            f"tệp {i}".encode(),
            maintype="text",
            subtype="plain",
            filename=f"tep-{i:02d}.txt",
        )
    add("twenty-attachments", msg.as_bytes(), annex_count=21)
    add(
        "forwarded-message",
        raw(
            [
                b"Subject: Fwd: chuyen tiep",
                b"MIME-Version: 1.0",
                b'Content-Type: multipart/mixed; boundary="b"',
            ],
            b"--b\r\nContent-Type: text/plain\r\n\r\nXem thu duoi\r\n--b\r\n"
            b"Content-Type: message/rfc822\r\n\r\nSubject: goc\r\nFrom: a@b.c\r\n\r\n"
            b"noi dung goc\r\n--b--\r\n",
            name="fwd",
        ),
    )
    add(
        "calendar-invite",
        with_attachment(
            "Giấy mời họp",
            b"BEGIN:VCALENDAR\r\n" b"END:VCALENDAR\r\n",
            "text/calendar",
            "moi-hop.ics",
            "ics",
        ),
    )
    add(
        "edxml-attachment",
        with_attachment(
            "Văn bản điện tử",
            b'<?xml version="1.0"?><edXML:edXML xmlns:edXML='
            b'"http://www.mic.gov.vn/TBT/QCVN_102_2016"/>',
            "application/xml",
            "van-ban.edxml",
            "edxml",
        ),
    )

    # -- HTML --------------------------------------------------------------
    add(
        "html-script",
        html_mail(
            "script",
            '<p onclick="steal()">Kính gửi'
            "<script>alert(document.cookie)</script></p>",
        ),
        absent=["<script", "onclick", "alert(document.cookie)"],
    )
    add(
        "html-javascript-link",
        html_mail("jslink", '<a href="javascript:alert(1)">' "bấm</a>"),
        absent=["javascript:"],
    )
    add(
        "html-iframe-object-form",
        html_mail(
            "iframe",
            '<iframe src="http://evil.example"></iframe><object data="x.swf">'
            '</object><form action="http://evil.example"><input name=p></form>Nội dung',
        ),
        absent=["<iframe", "<object", "<form", "evil.example"],
    )
    add(
        "html-tracking-image",
        html_mail("img", '<img src="http://track.example/p.gif">Xin chào'),
        absent=["<img", "track.example"],
    )
    add(
        "html-style-expression",
        html_mail(
            "style",
            "<style>body{background:url(javascript:x)}</style>"
            '<p style="width:expression(alert(1))">Nội dung</p>',
        ),
        absent=["expression(", "<style"],
    )
    add(
        "html-svg-onload",
        html_mail("svg", '<svg onload="alert(1)"><circle r="1"/></svg>Văn bản'),
        absent=["<svg", "onload"],
    )
    add(
        "html-data-uri",
        html_mail(
            "datauri",
            '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>'
            + "<p>"
            + "A" * 2000
            + "</p>",
        ),
        absent=["data:text/html"],
    )
    add(
        "html-meta-refresh",
        html_mail(
            "meta", '<meta http-equiv="refresh" content="0;url=http://evil.example">Nội'
        ),
        absent=["refresh", "evil.example"],
    )
    add(
        "html-only-no-subject",
        raw(
            [b"MIME-Version: 1.0", b"Content-Type: text/html; charset=utf-8"],
            "<p>Chỉ có <b>HTML</b></p><script>x()</script>".encode(),
            name="htmlnosubj",
        ),
        absent=["<script"],
    )

    # -- nesting -----------------------------------------------------------
    add("nested-5", nested(5, "5"), main="sau-nhat.pdf")
    add("nested-60", nested(60, "60"), no_main=True)
    add("nested-2000", nested(2000, "2000"), dict(refused, smtp=554))
    parts = b"".join(
        b"--b\r\nContent-Type: text/plain\r\n\r\n\r\n" for _i in range(1000)
    )
    add(
        "thousand-empty-parts",
        raw(
            [
                b"Subject: Nhieu phan rong",
                b"MIME-Version: 1.0",
                b'Content-Type: multipart/mixed; boundary="b"',
            ],
            parts + b"--b--\r\n",
            name="parts",
        ),
    )
    add(
        "multipart-without-boundary",
        raw(
            [
                b"Subject: Khong co boundary",
                b"MIME-Version: 1.0",
                b"Content-Type: multipart/mixed",
            ],
            b"noi dung khong co ranh gioi\r\n",
            name="noboundary",
        ),
    )

    # -- encodings ---------------------------------------------------------
    title = "Thông báo họp giao ban tháng"
    cp1258_word = base64.b64encode(cp1258("Thông báo")).decode()
    add(
        "windows-1258-subject",
        raw(
            [f"Subject: =?windows-1258?b?{cp1258_word}?= hop".encode()],
            b"body",
            name="cp1258s",
        ),
        title_contains="Thông báo",
    )
    add(
        "windows-1258-body",
        raw(
            [
                b"Subject: cp1258 body",
                b"MIME-Version: 1.0",
                b"Content-Type: text/plain; charset=windows-1258",
            ],
            cp1258("Kính gửi Sở"),
            name="cp1258b",
        ),
        summary_contains="Kính gửi Sở",
    )
    add(
        "viscii-subject",
        raw(
            [b"Subject: =?viscii?b?" + base64.b64encode(viscii(title)) + b"?="],
            b"body",
            name="visciis",
        ),
        title=title,
    )
    add(
        "viscii-body",
        raw(
            [
                b"Subject: viscii body",
                b"MIME-Version: 1.0",
                b"Content-Type: text/plain; charset=VISCII",
            ],
            viscii("Đề nghị các đơn vị báo cáo"),
            name="visciib",
        ),
        summary_contains="Đề nghị các đơn vị báo cáo",
    )
    add(
        "raw-utf8-subject",
        raw(["Subject: Giấy mời dự hội nghị".encode("utf-8")], b"body", name="raw8"),
        title="Giấy mời dự hội nghị",
        document_type="giay-moi",
    )
    add(
        "raw-cp1258-header",
        raw([b"Subject: Th\xf4ng b\xe1o"], b"body", name="raw1258"),
        title="Thông báo",
    )
    add(
        "mixed-encodings-subject",
        raw(
            [
                b"Subject: =?utf-8?b?" + base64.b64encode("Kế hoạch ".encode()) + b"?= "
                b"=?windows-1258?q?n=E3m?= =?viscii?q?"
                + "".join(f"={b:02X}" for b in viscii("mới")).encode()
                + b"?="
            ],
            b"body",
            name="mixed",
        ),
        title_contains="Kế hoạch",
    )
    add(
        "unknown-charset",
        raw(
            [
                b"Subject: =?x-unknown?q?Th=C3=B4ng_b=C3=A1o?=",
                b"MIME-Version: 1.0",
                b"Content-Type: text/plain; charset=x-klingon",
            ],
            "Nội dung".encode(),
            name="unkcs",
        ),
        title="Thông báo",
        summary_contains="Nội dung",
    )
    add(
        "wrong-charset-declared",
        raw(
            [
                b"Subject: sai bang ma",
                b"MIME-Version: 1.0",
                b"Content-Type: text/plain; charset=us-ascii",
            ],
            "Nội dung UTF-8".encode(),
            name="wrongcs",
        ),
        summary_contains="Nội dung UTF-8",
    )
    add(
        "empty-charset-param",
        raw(
            [
                b"Subject: charset rong",
                b"MIME-Version: 1.0",
                b"Content-Type: text/plain; charset=",
            ],
            "Văn bản".encode(),
            name="emptycs",
        ),
    )
    add(
        "utf16-body",
        raw(
            [
                b"Subject: utf-16",
                b"MIME-Version: 1.0",
                b"Content-Type: text/plain; charset=utf-16",
                b"Content-Transfer-Encoding: base64",
            ],
            base64.b64encode("Văn bản UTF-16".encode("utf-16")),
            name="utf16",
        ),
        summary_contains="Văn bản UTF-16",
    )
    add(
        "bad-encoded-word",
        raw([b"Subject: =?utf-8?b?!!!notbase64?="], b"body", name="badword"),
    )
    add(
        "null-bytes",
        raw([b"Subject: co\x00 null"], b"noi\x00dung", name="null"),
        title_absent="\x00",
    )
    add("lf-only-line-ends", simple("Dòng LF", pdf=False).replace(b"\r\n", b"\n"))
    add("cr-only-line-ends", simple("Dòng CR", pdf=False).replace(b"\r\n", b"\r"))

    # -- transfer encodings --------------------------------------------------
    add(
        "bad-base64-attachment",
        raw(
            [
                b"Subject: base64 hong",
                b"MIME-Version: 1.0",
                b'Content-Type: multipart/mixed; boundary="b"',
            ],
            b"--b\r\nContent-Type: text/plain\r\n\r\nxem tep\r\n--b\r\n"
            b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
            b'Content-Disposition: attachment; filename="hong.pdf"\r\n\r\n'
            b"JVBERi0x!!!@@@###LjQK*&^\r\n--b--\r\n",
            name="b64",
        ),
        main="hong.pdf",
    )
    add(
        "bad-base64-padding-body",
        raw(
            [
                b"Subject: padding",
                b"MIME-Version: 1.0",
                b"Content-Type: text/plain; charset=utf-8",
                b"Content-Transfer-Encoding: base64",
            ],
            b"S8OtbmggZ+G7rWk",
            name="pad",
        ),
    )
    add(
        "truncated-base64",
        raw(
            [
                b"Subject: cut",
                b"MIME-Version: 1.0",
                b"Content-Type: multipart/mixed; " b'boundary="b"',
            ],
            b"--b\r\nContent-Type: application/pdf\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLj",
            name="trunc",
        ),
    )
    add(
        "broken-quoted-printable",
        raw(
            [
                b"Subject: qp",
                b"MIME-Version: 1.0",
                b"Content-Type: text/plain",
                b"Content-Transfer-Encoding: quoted-printable",
            ],
            b"N=E1=BB=99i =ZZ dung=",
            name="qp",
        ),
    )
    add(
        "unknown-transfer-encoding",
        raw(
            [
                b"Subject: uue",
                b"MIME-Version: 1.0",
                b"Content-Type: text/plain",
                b"Content-Transfer-Encoding: x-klingon",
            ],
            b"noi dung",
            name="xte",
        ),
    )
    add(
        "8bit-without-declaration",
        raw(
            [b"Subject: 8bit", b"MIME-Version: 1.0", b"Content-Type: text/plain"],
            "Nội dung 8 bit".encode(),
            name="8bit",
        ),
        summary_contains="Nội dung 8 bit",
    )

    # -- file names ----------------------------------------------------------
    add(
        "attachment-without-name",
        raw(
            [
                b"Subject: khong ten",
                b"MIME-Version: 1.0",
                b'Content-Type: multipart/mixed; boundary="b"',
            ],
            b"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment"
            b"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64.b64encode(PDF)
            + b"\r\n--b--\r\n",
            name="noname",
        ),
        main="tep-dinh-kem-1.pdf",
    )
    add(
        "path-traversal-name",
        with_attachment(
            "Tên tệp nguy hiểm",
            PDF,
            "application/pdf",
            "../../../etc/passwd.pdf",
            "traversal",
        ),
        main="passwd.pdf",
    )
    add(
        "windows-path-name",
        with_attachment(
            "Đường dẫn Windows",
            PDF,
            "application/pdf",
            "C:\\Users\\a\\van-ban.pdf",
            "winpath",
        ),
        main="van-ban.pdf",
    )
    add(
        "rfc2231-name",
        with_attachment(
            "Tên tiếng Việt", PDF, "application/pdf", "Quyết định số 5.pdf", "rfc2231"
        ),
        main="Quyết định số 5.pdf",
    )
    add(
        "rfc2047-name",
        raw(
            [
                b"Subject: ten 2047",
                b"MIME-Version: 1.0",
                b'Content-Type: multipart/mixed; boundary="b"',
            ],
            b"--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64"
            b'\r\nContent-Disposition: attachment; filename="=?utf-8?b?'
            + base64.b64encode("Tờ trình.pdf".encode())
            + b'?="\r\n\r\n'
            + base64.b64encode(PDF)
            + b"\r\n--b--\r\n",
            name="rfc2047",
        ),
        main="Tờ trình.pdf",
    )
    add(
        "very-long-name",
        with_attachment(
            "Tên rất dài", PDF, "application/pdf", "a" * 900 + ".pdf", "longname"
        ),
        name_max=150,
    )
    add(
        "control-chars-name",
        with_attachment(
            "Ký tự điều khiển", PDF, "application/pdf", "van\tban\x07.pdf", "ctrl"
        ),
        name_absent="\x07",
    )

    # -- headers -------------------------------------------------------------
    add(
        "header-injection-subject",
        raw(
            [b"Subject: =?utf-8?q?Thu_moi=0D=0ABcc:_victim@example.org?="],
            b"body",
            name="inject",
        ),
        title_absent="\n",
    )
    add(
        "very-long-subject",
        simple("Về việc " + "rất dài " * 700, pdf=False),
        title_max=500,
    )
    add("emoji-rtl-zero-width", simple("Thư 📄 \u202eتجربة\u200b kiểm thử", pdf=False))
    add("malformed-from", simple("Người gửi hỏng", sender="<<<@@>>>", pdf=False))
    add("missing-from", raw([b"Subject: khong co nguoi gui"], b"body", name="nofrom"))
    add("malformed-date", simple("Ngày hỏng", Date="hôm qua lúc 25:99", pdf=False))
    add(
        "future-date",
        simple("Ngày tương lai", Date="Fri, 01 Jan 2099 00:00:00 +0700", pdf=False),
        document_date=None,
    )
    add(
        "sender-is-known-agency",
        simple(
            "Từ Sở Nội vụ", sender="Văn thư <vanthu.sonoivu@phutho.gov.vn>", pdf=False
        ),
        sender_name="Sở Nội vụ",
    )

    # -- identity and duplicates ---------------------------------------------
    no_id = raw([b"Subject: Khong co Message-ID"], b"noi dung", message_id=False)
    add("missing-message-id", no_id)
    add("missing-message-id-again", no_id, duplicate)
    add(
        "missing-message-id-relayed-again",
        b"Received: from relay2.phutho.gov.vn by mx\r\n" + no_id,
        duplicate,
    )
    same = simple("Cùng Message-ID", message_id="<same@corpus.example>", pdf=False)
    add("same-message-id", same)
    add("same-message-id-again", same, duplicate)
    add(
        "two-agencies",
        simple("Gửi hai cơ quan", message_id="<two@corpus.example>", pdf=False),
        rcpt=(TO, OTHER),
        documents=2,
    )
    add(
        "known-and-unknown-recipient",
        simple(
            "Một người nhận không có", message_id="<half@corpus.example>", pdf=False
        ),
        dict(created, refused_rcpt=[UNKNOWN]),
        rcpt=(TO, UNKNOWN),
    )

    # -- refused ---------------------------------------------------------------
    add(
        "unknown-recipient",
        simple("Sai địa chỉ", pdf=False),
        dict(refused, smtp=550),
        rcpt=(UNKNOWN,),
    )
    add("nothing-usable", raw([], b"   \r\n", name="empty"), dict(refused, smtp=554))
    add(
        "headers-only",
        raw([b"X-Note: only headers"], b"", name="hdr"),
        dict(refused, smtp=554),
    )
    add(
        "empty-multipart",
        raw(
            [b"MIME-Version: 1.0", b'Content-Type: multipart/mixed; boundary="b"'],
            b"--b--\r\n",
            name="emptymp",
        ),
        dict(refused, smtp=554),
    )

    # -- bombs -----------------------------------------------------------------
    add(
        "zip-bomb",
        with_attachment(
            "Tệp nén", zip_bomb("zeros.bin"), "application/zip", "bom.zip", "zipbomb"
        ),
        annexes=["bom.zip"],
    )
    add(
        "zip-bomb-docx",
        with_attachment(
            "Tệp DOCX nén",
            zip_bomb("word/document.xml"),
            DOCX_TYPE,
            "bom.docx",
            "docxbomb",
        ),
        main="bom.docx",
    )
    if large:
        add(
            "sixty-megabytes",
            with_attachment(
                "Tệp 60 MB",
                os.urandom(45 * 1024 * 1024),
                "application/pdf",
                "lon.pdf",
                "large",
            ),
            dict(refused, smtp=552),
        )
    return c


RAW_LINE_ENDS = ("lf-only-line-ends", "cr-only-line-ends")


def write(directory, large=False):
    """Write the corpus into ``directory``; returns the manifest."""
    os.makedirs(directory, exist_ok=True)
    manifest = []
    for index, (name, data, rcpt, entry) in enumerate(cases(large=large)):
        if name not in RAW_LINE_ENDS:
            # As a relay sends it: CRLF line ends (the LF/CR cases stay odd).
            data = re.sub(rb"(?<!\r)\n", b"\r\n", data)
        filename = f"{index:03d}-{name}.eml"
        with open(os.path.join(directory, filename), "wb") as stream:
            stream.write(data)
        manifest.append(dict(entry, name=name, file=filename, rcpt=rcpt))
    with open(os.path.join(directory, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
    return manifest


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--large", action="store_true", help="add the 60 MB message")
    args = parser.parse_args()
    manifest = write(args.directory, large=args.large)
    print(f"{len(manifest)} messages in {args.directory}")


if __name__ == "__main__":
    main()
