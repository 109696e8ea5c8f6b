"""Generate a corpus of hostile or broken edXML messages.

    python3 scripts/edxml_corpus.py OUTPUT_DIR [--organ-id 000.00.20.H43]

Every message must be refused (400, nothing created) by an agency whose
OrganId is ``--organ-id``: truncated messages, wrong namespaces, missing
required elements, XXE, billion laughs, external DTDs, a 60 MB base64
attachment, a zip bomb inside an attachment, bad dates and numbers, wrong
encodings, bad base64 and zips, status messages and updates for documents
the agency never had. ``tests/test_exchange_rest.py`` posts each one.
Standard library only.
"""

from pathlib import Path

import argparse
import base64
import io
import zipfile

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
UNKNOWN_ID = "000.00.99.Z99,2026/11/20,999/ZZ-KHONGCO"


def pdf(text="Văn bản thử nghiệm"):
    """A small real PDF (one page, one line of text)."""
    content = (
        f"BT /F1 12 Tf 72 720 Td ({text.encode('ascii', 'replace').decode()}) Tj ET"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def attachment(data, name="qd.pdf", content_type="application/pdf", cid="cid:1"):
    encoded = base64.b64encode(data).decode() if isinstance(data, bytes) else data
    return (
        f"<Attachment><ContentId>{cid}</ContentId>"
        f"<AttachmentName>{name}</AttachmentName>"
        f"<ContentType>{content_type}</ContentType>"
        f'<edXML:ContentTransferEncoded xmlns:edXML="{NS}">{encoded}'
        "</edXML:ContentTransferEncoded></Attachment>"
    )


def document(organ_id, header=None, attachments=None, business="0", **values):
    """A valid document message for ``organ_id``; ``values`` replace the
    text of elements by name (None leaves the element out)."""
    fields = {
        "FromOrganId": "000.00.00.G22",
        "OrganName": "Văn phòng Chính phủ",
        "ToOrganId": organ_id,
        "DocumentId": "000.00.00.G22,2026/11/20,15/VPCP-KSTT",
        "CodeNumber": "15",
        "CodeNotation": "VPCP-KSTT",
        "PromulgationDate": "2026/11/20",
        "Subject": "Về việc thử nghiệm liên thông văn bản",
        "Priority": "0",
        "PageAmount": "1",
        "DueDate": "2026/12/31",
        "Timestamp": "2026/11/20 08:00:00",
        "Type": "1",
    }
    fields.update(values)

    def el(name, key=None):
        value = fields.get(key or name)
        return "" if value is None else f"<edXML:{name}>{value}</edXML:{name}>"

    sender = (
        f"<edXML:From>{el('OrganId', 'FromOrganId')}{el('OrganName')}</edXML:From>"
        if fields.get("From", "yes") is not None
        else ""
    )
    to = (
        f"<edXML:To>{el('OrganId', 'ToOrganId')}<edXML:OrganName>Sở</edXML:OrganName></edXML:To>"
        if fields.get("To", "yes") is not None
        else ""
    )
    info = (
        f"<edXML:PromulgationInfo><edXML:Place>Hà Nội</edXML:Place>"
        f"{el('PromulgationDate')}</edXML:PromulgationInfo>"
        if fields.get("PromulgationInfo", "yes") is not None
        else ""
    )
    header = header or (
        f"<edXML:MessageHeader>{sender}{to}{el('DocumentId')}"
        f"<edXML:Code>{el('CodeNumber')}{el('CodeNotation')}</edXML:Code>{info}"
        f"<edXML:DocumentType>{el('Type')}<edXML:TypeName>Công văn</edXML:TypeName>"
        f"</edXML:DocumentType>{el('Subject')}{el('DueDate')}"
        f"<edXML:OtherInfo>{el('Priority')}{el('PageAmount')}</edXML:OtherInfo>"
        "</edXML:MessageHeader>"
        f"<edXML:TraceHeaderList><edXML:TraceHeader><edXML:OrganId>000.00.00.G22"
        f"</edXML:OrganId>{el('Timestamp')}</edXML:TraceHeader><edXML:Bussiness>"
        f"<edXML:BussinessDocType>{business}</edXML:BussinessDocType>"
        "</edXML:Bussiness></edXML:TraceHeaderList>"
    )
    if attachments is None:
        attachments = attachment(pdf())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<edXML xmlns="{NS}"><edXML:edXMLEnvelope xmlns:edXML="{NS}">'
        f"<edXML:edXMLHeader>{header}</edXML:edXMLHeader></edXML:edXMLEnvelope>"
        f"<AttachmentEncoded>{attachments}</AttachmentEncoded></edXML>"
    ).encode("utf-8")


def status(
    organ_id, code="03", document_id=UNKNOWN_ID, timestamp="2026/11/20 09:00:00"
):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<edXML xmlns="{NS}"><edXML:edXMLEnvelope xmlns:edXML="{NS}">'
        "<edXML:edXMLHeader><edXML:MessageHeader>"
        "<edXML:From><edXML:OrganId>000.00.00.H41</edXML:OrganId>"
        "<edXML:OrganName>UBND Tỉnh Nghệ An</edXML:OrganName></edXML:From>"
        f"<edXML:ResponseFor><edXML:OrganId>{organ_id}</edXML:OrganId>"
        f"<edXML:DocumentId>{document_id}</edXML:DocumentId></edXML:ResponseFor>"
        f"<edXML:StatusCode>{code}</edXML:StatusCode>"
        "<edXML:Description>Đã tiếp nhận</edXML:Description>"
        f"<edXML:Timestamp>{timestamp}</edXML:Timestamp>"
        "</edXML:MessageHeader></edXML:edXMLHeader></edXML:edXMLEnvelope></edXML>"
    ).encode("utf-8")


def zip_bomb(size=200 * 1024 * 1024):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("bomb.pdf", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def corpus(organ_id="000.00.20.H43"):
    """Yield ``(name, message bytes)``: at least 100 messages to refuse."""
    valid = document(organ_id)
    # Truncated anywhere
    for index, cut in enumerate(range(40, len(valid) - 20, max(1, len(valid) // 22))):
        yield f"truncated-{index:02d}", valid[:cut]
    # Not XML at all
    yield "empty", b""
    yield "blank", b"   \n  "
    yield "pdf", pdf()
    yield "json", b'{"edXML": {}}'
    yield "html", b"<!DOCTYPE html><html><body>edXML</body></html>"
    # Wrong namespaces
    yield "ns-root-other", valid.replace(
        f'<edXML xmlns="{NS}">'.encode(), b'<edXML xmlns="urn:other">'
    )
    yield "ns-root-none", valid.replace(f'<edXML xmlns="{NS}">'.encode(), b"<edXML>")
    yield "ns-envelope-other", valid.replace(
        f'xmlns:edXML="{NS}"'.encode(), b'xmlns:edXML="urn:other"', 1
    )
    yield "root-not-edxml", valid.replace(b"<edXML xmlns", b"<edXMLx xmlns").replace(
        b"</edXML>", b"</edXMLx>"
    )
    # Missing required elements
    for key in ("From", "To", "PromulgationInfo"):
        yield f"missing-{key}", document(organ_id, **{key: None})
    for key in (
        "FromOrganId",
        "OrganName",
        "ToOrganId",
        "DocumentId",
        "Subject",
        "PromulgationDate",
    ):
        yield f"missing-{key}", document(organ_id, **{key: None})
    for key in ("Subject", "DocumentId"):
        yield f"empty-{key}", document(organ_id, **{key: ""})
    yield "missing-header", valid.replace(
        b"<edXML:MessageHeader>", b"<edXML:Header>"
    ).replace(b"</edXML:MessageHeader>", b"</edXML:Header>")
    yield "missing-envelope", f'<?xml version="1.0"?><edXML xmlns="{NS}"/>'.encode()
    yield "missing-content-id", document(
        organ_id,
        attachments=attachment(pdf()).replace("<ContentId>cid:1</ContentId>", ""),
    )
    yield "missing-encoded", document(
        organ_id,
        attachments="<Attachment><ContentId>cid:1</ContentId><AttachmentName>a.pdf</AttachmentName></Attachment>",
    )
    yield "replacement-without-info", document(organ_id, business="3")
    # Entities and DTDs
    doctype = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE edXML [{}]>\n'
    body = valid.split(b"\n", 1)[1].decode()
    yield "xxe-file", (
        doctype.format('<!ENTITY x SYSTEM "file:///etc/passwd">')
        + body.replace("Về việc thử", "&x; thử")
    ).encode()
    yield "xxe-http", (
        doctype.format('<!ENTITY x SYSTEM "http://127.0.0.1:9/x">')
        + body.replace("Về việc thử", "&x; thử")
    ).encode()
    yield "xxe-parameter", (
        doctype.format('<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;') + body
    ).encode()
    laughs = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, 10)
    )
    yield "billion-laughs", (
        doctype.format(laughs) + body.replace("Về việc thử", "&l9; thử")
    ).encode()
    yield "quadratic-blowup", (
        doctype.format(f'<!ENTITY a "{"x" * 50000}">')
        + body.replace("Về việc thử", "&a;" * 2000)
    ).encode()
    yield "external-dtd-system", (
        '<?xml version="1.0"?>\n<!DOCTYPE edXML SYSTEM "http://127.0.0.1:9/edxml.dtd">\n'
        + body
    ).encode()
    yield "external-dtd-public", (
        '<?xml version="1.0"?>\n<!DOCTYPE edXML PUBLIC "-//X//EN" "file:///etc/passwd">\n'
        + body
    ).encode()
    yield "xinclude", valid.replace(
        b"<edXML:Subject>",
        b'<edXML:Subject><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/>',
    )
    # Sizes
    yield "attachment-60MB", document(
        organ_id, attachments=attachment("A" * (60 * 1024 * 1024))
    )
    yield "zip-bomb", document(
        organ_id, attachments=attachment(zip_bomb(), "bomb.pdf", "application/zip")
    )
    yield "subject-too-long", document(organ_id, Subject="x" * 600)
    yield "too-many-attachments", document(
        organ_id,
        attachments="".join(
            attachment(b"x", f"{i}.pdf", cid=f"cid:{i}") for i in range(101)
        ),
    )
    yield "deep-nesting", valid.replace(
        b"<edXML:Subject>", b"<edXML:Subject>" + b"<a>" * 5000 + b"</a>" * 5000
    )
    # Dates
    for index, value in enumerate(
        (
            "2026/02/30",
            "2026/13/01",
            "hôm qua",
            "20/11/2026",
            "1800/01/01",
            "99999/01/01",
            "2026/11/20T",
        )
    ):
        yield f"bad-date-{index}", document(organ_id, PromulgationDate=value)
    for index, value in enumerate(("2026/11/31", "31/12/2026")):
        yield f"bad-due-date-{index}", document(organ_id, DueDate=value)
    for index, value in enumerate(("2026/11/20 25:00:00", "yesterday")):
        yield f"bad-timestamp-{index}", document(organ_id, Timestamp=value)
    yield "bad-status-timestamp", status(organ_id, timestamp="2026/02/30 10:00:00")
    # Encodings
    yield "encoding-latin1-declared", valid.replace(
        b'encoding="UTF-8"', b'encoding="ISO-8859-1"'
    )
    yield "encoding-windows-1258", valid.replace(
        b'encoding="UTF-8"', b'encoding="windows-1258"'
    )
    yield "encoding-utf16", valid.decode().encode("utf-16")
    yield "encoding-utf32", valid.decode().encode("utf-32")
    yield "encoding-invalid-utf8", valid.replace("Về việc".encode(), b"V\xe8 vi\xeac")
    yield "encoding-latin1-bytes", valid.decode().encode("latin-1", "replace").replace(
        b"?", b"\xe0"
    )
    yield "control-character", valid.replace("Về".encode(), b"V&#1;")
    # Numbers and codes
    yield "bad-priority", document(organ_id, Priority="khẩn")
    yield "priority-out-of-range", document(organ_id, Priority="9")
    yield "negative-pages", document(organ_id, PageAmount="-1")
    yield "bad-type", document(organ_id, Type="abc")
    yield "bad-business-type", document(organ_id, business="7")
    yield "bad-business-type-text", document(organ_id, business="mới")
    # Identifiers
    for index, value in enumerate(
        ("G22", "<b>x</b>".replace("<", "&lt;"), "000 00 00 G22")
    ):
        yield f"bad-organ-id-{index}", document(organ_id, FromOrganId=value)
    for index, value in enumerate(("abc", ",2026/11/20,15/X")):
        yield f"bad-document-id-{index}", document(organ_id, DocumentId=value)
    # Attachments
    yield "bad-base64", document(organ_id, attachments=attachment("@@@not base64@@@"))
    yield "bad-base64-padding", document(organ_id, attachments=attachment("QUJD="))
    yield "empty-attachment", document(organ_id, attachments=attachment(""))
    yield "duplicate-content-id", document(
        organ_id, attachments=attachment(pdf()) + attachment(pdf(), "b.pdf")
    )
    yield "bad-zip", document(
        organ_id,
        attachments=attachment(b"PK\x03\x04" + b"\0" * 100, "a.pdf", "application/zip"),
    )
    yield "empty-zip", document(
        organ_id, attachments=attachment(zipfile_bytes({}), "a.pdf", "application/zip")
    )
    yield "encrypted-zip", document(
        organ_id, attachments=attachment(encrypted_zip(), "a.pdf", "application/zip")
    )
    yield "truncated-zip", document(
        organ_id,
        attachments=attachment(
            zipfile_bytes({"a.pdf": pdf() * 50})[:300], "a.pdf", "application/zip"
        ),
    )
    yield "manifest-without-attachment", valid.replace(
        b"</edXML:edXMLHeader>",
        b"</edXML:edXMLHeader><edXML:edXMLBody><edXML:edXMLManifest><edXML:Reference>"
        b"<edXML:ContentId>cid:404</edXML:ContentId></edXML:Reference></edXML:edXMLManifest></edXML:edXMLBody>",
    )
    # Well-formed, but values an official document cannot hold (what is
    # imported must stay editable)
    yield "code-missing", document(organ_id, CodeNumber=None, CodeNotation=None)
    yield "number-only", document(organ_id, CodeNotation=None)
    yield "notation-only-with-spaces", document(
        organ_id, CodeNumber=None, CodeNotation="VPCP KSTT"
    )
    yield "number-not-a-number", document(organ_id, CodeNumber="số-15")
    yield "promulgation-date-future", document(organ_id, PromulgationDate="2099/01/01")
    yield "promulgation-date-before-1945", document(
        organ_id, PromulgationDate="1930/05/01"
    )
    yield "subject-direction-override", document(
        organ_id, Subject="Về việc \u202egnohk\u202c thử nghiệm"
    )
    yield "page-amount-huge", document(organ_id, PageAmount="999999999")
    # Addressed elsewhere, or acting on documents this agency never had
    yield "not-addressed", document("000.00.99.Z99")
    yield "update-unknown", document(organ_id, business="2", DocumentId=UNKNOWN_ID)
    yield "revocation-unknown", document(organ_id, business="1", DocumentId=UNKNOWN_ID)
    yield "replacement-unknown", document(
        organ_id,
        header=None,
        business="3</edXML:BussinessDocType><edXML:ReplacementInfoList><edXML:ReplacementInfo>"
        f"<edXML:DocumentId>{UNKNOWN_ID}</edXML:DocumentId></edXML:ReplacementInfo>"
        "</edXML:ReplacementInfoList><edXML:BussinessDocType_>",
    ).replace(b"<edXML:BussinessDocType_></edXML:BussinessDocType>", b"")
    for code in ("01", "02", "03", "04", "05", "06", "13", "15", "16"):
        yield f"status-{code}-unknown-document", status(organ_id, code)
    yield "status-unknown-code", status(organ_id, "99")
    yield "status-code-text", status(organ_id, "đã nhận")
    yield "status-not-addressed", status("000.00.99.Z99")
    yield "status-missing-response-for", status(organ_id).replace(
        b"<edXML:ResponseFor>", b"<edXML:Other>"
    ).replace(b"</edXML:ResponseFor>", b"</edXML:Other>")


def zipfile_bytes(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def encrypted_zip():
    """A zip whose member claims encryption (flag bit 0)."""
    data = bytearray(zipfile_bytes({"a.pdf": pdf()}))
    data[6] |= 1  # local header flag
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 1  # central directory flag
    return bytes(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output")
    parser.add_argument("--organ-id", default="000.00.20.H43")
    args = parser.parse_args()
    folder = Path(args.output)
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for name, data in corpus(args.organ_id):
        (folder / f"{name}.edxml").write_bytes(data)
        count += 1
    print(f"{count} messages in {folder}")


if __name__ == "__main__":
    main()
