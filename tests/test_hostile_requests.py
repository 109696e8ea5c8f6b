"""Hostile and malformed requests over HTTP, table-driven.

Every row is sent to a real WSGI server as a demo person. Each must answer
the expected 4xx (never 5xx), with a message that names the problem (the
field at fault, or the words that say what to send), and change nothing:
the number of documents, their states, numbers, histories and modification
times, and the registers' counters are the same before and after.

Rows are grouped by category; ``test_the_table_is_complete`` keeps the
count honest (the issue asked for at least 150).
"""

from collections import namedtuple
from datetime import date
from phutho.intranet.numbering.api import last_number
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import OUTGOING_TO_ISSUED
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import run_transitions
from phutho.intranet.workflow.api import do_transition
from phutho.intranet.workflow.history import history_of
from plone import api
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import base64
import json
import requests
import transaction
import unittest

# A row: ``target`` names a fixture (see setUp) and ``path`` is appended
# to its URL; ``body`` is JSON-encoded unless it is bytes; ``expect`` is a
# status or a tuple of accepted ones; ``says`` is what the answer must
# name: the field at fault (``error.field``) or a text of the message.
Row = namedtuple(
    "Row", "name user method target path body expect says headers", defaults=(None,)
)

CLERK = "vanthu.sokhcn"
LEADER = "lanhdao.sokhcn"
SPECIALIST = "chuyenvien.sokhcn"
OTHER_CLERK = "vanthu.snv"  # Sở Nội vụ
ANONYMOUS = None


def b64(data):
    return base64.b64encode(data).decode("ascii")


def file_spec(data, content_type="application/pdf", filename="van-ban.pdf", **extra):
    spec = {
        "data": b64(data),
        "encoding": "base64",
        "filename": filename,
        "content-type": content_type,
    }
    spec.update(extra)
    return spec


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
INCOMING = {
    "@type": "IncomingDocument",
    "title": "Về việc kiểm tra dữ liệu",
    "document_type": "cong-van",
    "sender_name": "Bộ Nội vụ",
    "number_symbol": "77/BNV-VP",
    "document_date": "2026-11-20",
}
OUTGOING = {
    "@type": "OutgoingDocument",
    "title": "Về việc báo cáo",
    "document_type": "cong-van",
    "content": "Nội dung.",
}
MEGABYTE = "x" * 1_000_000


def incoming(**changes):
    body = dict(INCOMING)
    body.update(changes)
    return body


def outgoing(**changes):
    body = dict(OUTGOING)
    body.update(changes)
    return body


# -- the table ---------------------------------------------------------------

CHOICES = [
    # Choice fields sent as a list, an object or a number, on create.
    Row(
        f"create {field} as {kind}",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(**{field: value}),
        400,
        field,
    )
    for field, good in (
        ("register", "uid"),
        ("urgency", "urgent"),
        ("secrecy", "normal"),
        ("document_type", "cong-van"),
        ("channel", "paper"),
        ("signer_authority", "KT."),
    )
    for kind, value in (
        ("list", [good]),
        ("object", {"value": good}),
        ("number", 5),
    )
] + [
    Row(
        "create urgency unknown token",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(urgency="very-very"),
        400,
        "urgency",
    ),
    Row(
        "create document_type unknown",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(document_type="thu-tinh"),
        400,
        "document_type",
    ),
    Row(
        "create secrecy true",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(secrecy=True),
        400,
        "secrecy",
    ),
    Row(
        "register with register list",
        CLERK,
        "POST",
        "received",
        "/@workflow/register",
        {"register": ["x"]},
        400,
        "register",
    ),
    Row(
        "register with register 5",
        CLERK,
        "POST",
        "received",
        "/@workflow/register",
        {"register": 5},
        400,
        "register",
    ),
    Row(
        "register with register object",
        CLERK,
        "POST",
        "received",
        "/@workflow/register",
        {"register": {"a": 1}},
        400,
        "register",
    ),
    Row(
        "register with register true",
        CLERK,
        "POST",
        "received",
        "/@workflow/register",
        {"register": True},
        400,
        "register",
    ),
    Row(
        "register with an unknown register",
        CLERK,
        "POST",
        "received",
        "/@workflow/register",
        {"register": "0" * 32},
        400,
        "register",
    ),
    Row(
        "register into another agency's register",
        CLERK,
        "POST",
        "received",
        "/@workflow/register",
        {"register": "@other-register"},
        400,
        "register",
    ),
    Row(
        "register into the outgoing register",
        CLERK,
        "POST",
        "received",
        "/@workflow/register",
        {"register": "@outgoing-register"},
        400,
        "register",
    ),
    Row(
        "correction urgency list",
        CLERK,
        "POST",
        "registered",
        "/@correct-registration",
        {"reason": "Sửa", "changes": {"urgency": ["urgent"]}},
        400,
        "urgency",
    ),
    Row(
        "correction document_type object",
        CLERK,
        "POST",
        "registered",
        "/@correct-registration",
        {"reason": "Sửa", "changes": {"document_type": {"x": 1}}},
        400,
        "document_type",
    ),
    Row(
        "correction channel number",
        CLERK,
        "POST",
        "registered",
        "/@correct-registration",
        {"reason": "Sửa", "changes": {"channel": 5}},
        400,
        "channel",
    ),
    Row(
        "correction signer_authority list",
        CLERK,
        "POST",
        "registered",
        "/@correct-registration",
        {"reason": "Sửa", "changes": {"signer_authority": ["KT."]}},
        400,
        "signer_authority",
    ),
    Row(
        "correction secrecy",
        CLERK,
        "POST",
        "registered",
        "/@correct-registration",
        {"reason": "Sửa", "changes": {"secrecy": "secret"}},
        400,
        "secrecy",
    ),
]

DATES = [
    Row(
        "document_date 0001-01-01",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(document_date="0001-01-01"),
        400,
        "document_date",
    ),
    Row(
        "document_date 1000-01-01",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(document_date="1000-01-01"),
        400,
        "document_date",
    ),
    Row(
        "document_date 9999-12-31",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(document_date="9999-12-31"),
        400,
        "document_date",
    ),
    Row(
        "document_date 30/02",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(document_date="2026-02-30"),
        400,
        "document_date",
    ),
    Row(
        "document_date as a number",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(document_date=20261120),
        400,
        "document_date",
    ),
    Row(
        "document_date as a list",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(document_date=["2026-11-20"]),
        400,
        "document_date",
    ),
    Row(
        "arrival in year 1000 (LMT offset)",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(document_date="1945-01-01", arrival_date="1000-01-01T08:00:00"),
        400,
        "arrival_date",
    ),
    Row(
        "arrival at the end of time, -12:00",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(arrival_date="9999-12-31T23:59:59-12:00"),
        400,
        "arrival_date",
    ),
    Row(
        "arrival as garbage",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(arrival_date="garbage"),
        400,
        "arrival_date",
    ),
    Row(
        "arrival as a number",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(arrival_date=1700000000),
        400,
        "arrival_date",
    ),
    Row(
        "processing_deadline 9999-12-31",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(processing_deadline="9999-12-31"),
        400,
        "processing_deadline",
    ),
    Row(
        "processing_deadline 1900",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(processing_deadline="1900-01-01"),
        400,
        "processing_deadline",
    ),
    Row(
        "arrival before the document date",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(document_date="2026-11-25", arrival_date="2026-11-20T08:00:00"),
        400,
        "trước ngày",
    ),
    Row(
        "assign with a deadline at the end of time",
        LEADER,
        "POST",
        "submitted",
        "/@workflow/assign",
        {
            "lead": {
                "kind": "unit",
                "id": "@unit",
                "deadline": "9999-12-31T23:59:59-12:00",
            }
        },
        400,
        "deadline",
    ),
    Row(
        "assign with a deadline in year 1",
        LEADER,
        "POST",
        "submitted",
        "/@workflow/assign",
        {"lead": {"kind": "unit", "id": "@unit", "deadline": "0001-01-01"}},
        400,
        "deadline",
    ),
    Row(
        "assign with 31/02",
        LEADER,
        "POST",
        "submitted",
        "/@workflow/assign",
        {"lead": {"kind": "unit", "id": "@unit", "deadline": "31/02/2026"}},
        400,
        "deadline",
    ),
    Row(
        "assign with a past deadline",
        LEADER,
        "POST",
        "submitted",
        "/@workflow/assign",
        {"lead": {"kind": "unit", "id": "@unit", "deadline": "2020-01-01"}},
        400,
        "deadline",
    ),
    Row(
        "assign with a deadline as a list",
        LEADER,
        "POST",
        "submitted",
        "/@workflow/assign",
        {"lead": {"kind": "unit", "id": "@unit"}, "deadline": ["2027-01-01"]},
        400,
        "deadline",
    ),
    Row(
        "correction moves the arrival to another year",
        CLERK,
        "POST",
        "registered",
        "/@correct-registration",
        {"reason": "Sửa", "changes": {"arrival_date": "2025-06-01T08:00:00"}},
        400,
        "arrival_date",
    ),
    Row(
        "reply_deadline 9999",
        SPECIALIST,
        "PATCH",
        "draft",
        "",
        {"reply_deadline": "9999-12-31"},
        400,
        "reply_deadline",
    ),
]

FILES = [
    Row(
        "main_file rot13",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(main_file=file_spec(PDF, encoding="rot13")),
        400,
        "main_file",
    ),
    Row(
        "main_file hex",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(main_file=file_spec(PDF, encoding="hex")),
        400,
        "main_file",
    ),
    Row(
        "main_file data not base64",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(
            main_file={
                "data": "!!!***",
                "encoding": "base64",
                "filename": "a.pdf",
                "content-type": "application/pdf",
            }
        ),
        400,
        "main_file",
    ),
    Row(
        "main_file data a number",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(main_file={"data": 12, "encoding": "base64", "filename": "a.pdf"}),
        400,
        "main_file",
    ),
    Row(
        "main_file a string",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(main_file="string"),
        400,
        "main_file",
    ),
    Row(
        "main_file a list",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(main_file=[file_spec(PDF)]),
        400,
        "main_file",
    ),
    Row(
        "main_file empty",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(main_file=file_spec(b"")),
        400,
        "main_file",
    ),
    Row(
        "plain text sent as PDF",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(main_file=file_spec(b"just some text, not a PDF")),
        400,
        "main_file",
    ),
    Row(
        "truncated PDF",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(main_file=file_spec(PDF[:30])),
        400,
        "main_file",
    ),
    Row(
        "DOCX that is not a zip",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(
            main_file=file_spec(
                b"not a zip",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "a.docx",
            )
        ),
        400,
        "main_file",
    ),
    Row(
        "DOCX zip without its parts",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(
            main_file=file_spec(
                b"PK\x03\x04" + b"\x00" * 40, "application/octet-stream", "a.docx"
            )
        ),
        400,
        "main_file",
    ),
    Row(
        "ODT that is not a zip",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(
            main_file=file_spec(
                b"not a zip", "application/vnd.oasis.opendocument.text", "a.odt"
            )
        ),
        400,
        "main_file",
    ),
    Row(
        "PNG that is not a PNG",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(main_file=file_spec(b"GIF89a....", "image/png", "scan.png")),
        400,
        "main_file",
    ),
    Row(
        "filename a number",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(main_file={"data": b64(PDF), "encoding": "base64", "filename": 5}),
        400,
        "main_file",
    ),
    Row(
        "draft_file rot13 on PATCH",
        SPECIALIST,
        "PATCH",
        "draft",
        "",
        {"draft_file": file_spec(PDF, encoding="rot13")},
        400,
        "draft_file",
    ),
    Row(
        "draft_file truncated PDF on PATCH",
        SPECIALIST,
        "PATCH",
        "draft",
        "",
        {"draft_file": file_spec(b"%PDF-1.7\n")},
        400,
        "draft_file",
    ),
    Row(
        "annex truncated PDF",
        CLERK,
        "POST",
        "received",
        "",
        {"@type": "Annex", "title": "Phụ lục", "file": file_spec(b"%PDF-1.4\n")},
        400,
        "file",
    ),
    Row(
        "annex empty",
        CLERK,
        "POST",
        "received",
        "",
        {"@type": "Annex", "title": "Phụ lục", "file": file_spec(b"")},
        400,
        "file",
    ),
]

BAD_BODIES = [
    (b"{", "unclosed brace"),
    (b"[]", "a list"),
    (b"null", "null"),
    (b'"text"', "a string"),
    (b"42", "a number"),
    (b'{"title": "\xff\xfe"}', "invalid UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "nested 100,000 deep"),
]
MALFORMED = [
    Row(
        f"{where}: {label}",
        user,
        method,
        target,
        path,
        body,
        400,
        None,
        {"Content-Type": "application/json"},
    )
    for where, user, method, target, path in (
        ("create", CLERK, "POST", "agency", ""),
        ("edit", CLERK, "PATCH", "received", ""),
        ("transition", CLERK, "POST", "received", "/@workflow/register"),
        ("progress", SPECIALIST, "POST", "in_progress", "/@progress"),
        ("correction", CLERK, "POST", "registered", "/@correct-registration"),
    )
    for body, label in BAD_BODIES
] + [
    Row(
        "create without @type",
        CLERK,
        "POST",
        "agency",
        "",
        {"title": "x"},
        400,
        "@type",
    ),
    Row(
        "create with @type a list",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(**{"@type": ["IncomingDocument"]}),
        400,
        "@type",
    ),
]

UNKNOWN_AND_READONLY = (
    [
        Row(
            f"edit read-only {field}",
            CLERK,
            "PATCH",
            "received",
            "",
            {field: value},
            400,
            field,
        )
        for field, value in (
            ("arrival_number", 5),
            ("review_state", "registered"),
            ("created", "2020-01-01T00:00:00"),
            ("id", "new-id"),
            ("foo", "bar"),
        )
    ]
    + [
        Row(
            f"edit read-only {field} of a draft",
            SPECIALIST,
            "PATCH",
            "draft",
            "",
            {field: value},
            400,
            field,
        )
        for field, value in (
            ("number", 5),
            ("symbol", "05/SKHCN-CNTT"),
            ("issued_date", "2026-11-20"),
            ("review_state", "issued"),
        )
    ]
    + [
        Row(
            f"create with {field}",
            CLERK,
            "POST",
            "agency",
            "",
            incoming(**{field: value}),
            400,
            field,
        )
        for field, value in (
            ("foo", 1),
            ("created", "2020-01-01T00:00:00"),
            ("creators", ["admin"]),
            ("review_state", "registered"),
            ("arrival_number", 999),
            ("id", "chosen-id"),
        )
    ]
)

NUMBERS = [
    Row(
        f"page_count {label}",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(page_count=value),
        400,
        "page_count",
    )
    for label, value in (
        ("true", True),
        ("2**63", 2**63),
        ("10**30", 10**30),
        ("-1", -1),
        ("0", 0),
        ("text", "3"),
        ("1.5", 1.5),
    )
] + [
    Row(
        "copies 10**9",
        SPECIALIST,
        "PATCH",
        "draft",
        "",
        {"copies": 10**9},
        400,
        "copies",
    ),
    Row(
        "copies false",
        SPECIALIST,
        "PATCH",
        "draft",
        "",
        {"copies": False},
        400,
        "copies",
    ),
    Row(
        "progress 150 %",
        SPECIALIST,
        "POST",
        "in_progress",
        "/@progress",
        {"text": "Đã làm", "percent": 150},
        400,
        "percent",
    ),
    Row(
        "progress true %",
        SPECIALIST,
        "POST",
        "in_progress",
        "/@progress",
        {"text": "Đã làm", "percent": True},
        400,
        "percent",
    ),
]

LISTS = [
    Row(
        "recipients a string",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(recipients="abc"),
        400,
        "recipients",
    ),
    Row(
        "recipients an object",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(recipients={"a": 1}),
        400,
        "recipients",
    ),
    Row(
        "recipients 10,000",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(recipients=["Sở Y tế"] * 10_000),
        400,
        "recipients",
    ),
    Row(
        "recipients of numbers",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(recipients=[1, 2]),
        400,
        "recipients",
    ),
    Row(
        "internal_recipients a string",
        SPECIALIST,
        "PATCH",
        "draft",
        "",
        {"internal_recipients": "uid"},
        400,
        "internal_recipients",
    ),
    Row(
        "external_recipients 600",
        SPECIALIST,
        "PATCH",
        "draft",
        "",
        {"external_recipients": ["Sở Y tế Hà Nam"] * 600},
        400,
        "external_recipients",
    ),
    Row(
        "external recipient malformed",
        SPECIALIST,
        "PATCH",
        "draft",
        "",
        {"external_recipients": ["A | B | C | D"]},
        400,
        "external_recipients",
    ),
    Row(
        "coordinators an object",
        LEADER,
        "POST",
        "submitted",
        "/@workflow/assign",
        {
            "lead": {"kind": "unit", "id": "@unit", "deadline": "2099-01-01"},
            "coordinators": {"kind": "unit"},
        },
        400,
        "coordinators",
    ),
    Row(
        "coordinators of strings",
        LEADER,
        "POST",
        "submitted",
        "/@workflow/assign",
        {
            "lead": {"kind": "unit", "id": "@unit", "deadline": "2099-01-01"},
            "coordinators": ["x"],
        },
        400,
        "coordinators",
    ),
    Row(
        "coordinators 51",
        LEADER,
        "POST",
        "submitted",
        "/@workflow/assign",
        {
            "lead": {"kind": "unit", "id": "@unit", "deadline": "2099-01-01"},
            "coordinators": [{"kind": "unit", "id": "@unit"}] * 51,
        },
        400,
        "coordinators",
    ),
]

TEXTS = [
    Row(
        f"{field} with {label}",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(**{field: f"Bộ{char}Nội vụ"}),
        400,
        field,
    )
    for field in ("sender_name", "title")
    for label, char in (
        ("NUL", "\x00"),
        ("ESC", "\x1b"),
        ("a bidi override", "\u202e"),
        ("a lone surrogate", "\ud800"),
    )
] + [
    Row(
        "description with NUL",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(description="a\x00b"),
        400,
        "description",
    ),
    Row(
        "1 MB sender_name",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(sender_name=MEGABYTE),
        400,
        "sender_name",
    ),
    Row(
        "1 MB description",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(description=MEGABYTE),
        400,
        "description",
    ),
    Row(
        "1 MB title",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(title=MEGABYTE),
        400,
        "title",
    ),
    Row(
        "1 MB number_symbol",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(number_symbol="1/" + MEGABYTE),
        400,
        "number_symbol",
    ),
    Row(
        "1 MB draft content",
        SPECIALIST,
        "PATCH",
        "draft",
        "",
        {"content": MEGABYTE},
        400,
        "content",
    ),
    Row(
        "1 MB progress note",
        SPECIALIST,
        "POST",
        "in_progress",
        "/@progress",
        {"text": MEGABYTE},
        400,
        "text",
    ),
    Row(
        "progress note with NUL",
        SPECIALIST,
        "POST",
        "in_progress",
        "/@progress",
        {"text": "a\x00b"},
        400,
        "text",
    ),
    Row(
        "progress note a list",
        SPECIALIST,
        "POST",
        "in_progress",
        "/@progress",
        {"text": ["a"]},
        400,
        "text",
    ),
    Row(
        "1 MB comment",
        CLERK,
        "POST",
        "received",
        "/@workflow/return_to_sender",
        {"comment": MEGABYTE},
        400,
        "comment",
    ),
    Row(
        "comment a list",
        CLERK,
        "POST",
        "received",
        "/@workflow/return_to_sender",
        {"comment": ["Sai nơi nhận"]},
        400,
        "comment",
    ),
    Row(
        "1 MB instructions",
        LEADER,
        "POST",
        "submitted",
        "/@workflow/assign",
        {
            "lead": {"kind": "unit", "id": "@unit", "deadline": "2099-01-01"},
            "instructions": MEGABYTE,
        },
        400,
        "instructions",
    ),
    Row(
        "1 MB correction reason",
        CLERK,
        "POST",
        "registered",
        "/@correct-registration",
        {"reason": MEGABYTE, "changes": {"page_count": 3}},
        400,
        "reason",
    ),
    Row(
        "correction reason with ESC",
        CLERK,
        "POST",
        "registered",
        "/@correct-registration",
        {"reason": "a\x1bb", "changes": {"page_count": 3}},
        400,
        "reason",
    ),
]

SEARCH = [
    Row(
        f"@search {query} as {user or 'anonymous'}",
        user,
        "GET",
        "site",
        f"/@search?{query}",
        None,
        400,
        says,
    )
    for user in (CLERK, ANONYMOUS)
    for query, says in (
        ("b_size=-1", "b_size"),
        ("b_size=0", "b_size"),
        ("b_size=abc", "b_size"),
        ("b_size=100000", "b_size"),
        ("b_start=-5", "b_start"),
        ("sort_limit=x", "sort_limit"),
        ("sort_on=bogus", "sort_on"),
        ("sort_order=sideways", "sort_order"),
        ("arrival_date.query=garbage", "garbage"),
        (
            "arrival_date.query=2026-01-01&arrival_date.range=bogus",
            "arrival_date.range",
        ),
        ("secrecy.query=normal&secrecy.operator=bogus", "secrecy.operator"),
        ("SearchableText=(a%20OR", "SearchableText"),
        ("SearchableText=NOT", "SearchableText"),
        ("SearchableText=AND", "SearchableText"),
        ("register_number:int=abc", "abc"),
    )
] + [
    Row(
        "register page year:int=abc",
        CLERK,
        "GET",
        "register",
        "?year:int=abc",
        None,
        400,
        "abc",
        {"Accept": "text/html"},
    ),
    Row(
        "register export year:int=abc",
        CLERK,
        "GET",
        "register",
        "/@@register-export?year:int=abc",
        None,
        400,
        "abc",
        {"Accept": "text/html"},
    ),
    Row(
        "register page month:int=x",
        CLERK,
        "GET",
        "register",
        "?month:int=x",
        None,
        400,
        "x",
        {"Accept": "text/html"},
    ),
    Row(
        "search page register_number:int=abc",
        CLERK,
        "GET",
        "site",
        "/@@search?register_number:int=abc",
        None,
        400,
        "abc",
        {"Accept": "text/html"},
    ),
    Row(
        "anonymous catalog vocabulary",
        ANONYMOUS,
        "GET",
        "site",
        "/@@getVocabulary?name=plone.app.vocabularies.Catalog",
        None,
        (401, 403),
        None,
        {"Accept": "text/html"},
    ),
    Row(
        "catalog vocabulary without a query",
        CLERK,
        "GET",
        "site",
        "/@@getVocabulary?name=plone.app.vocabularies.Catalog",
        None,
        (200, 400),
        None,
    ),
]

TRANSITIONS = [
    Row(
        "unknown transition",
        CLERK,
        "POST",
        "received",
        "/@workflow/fly",
        {},
        400,
        "không",
    ),
    Row(
        "not offered: specialist registers",
        SPECIALIST,
        "POST",
        "received",
        "/@workflow/register",
        {},
        (400, 401, 403),
        None,
    ),
    Row(
        "data a list",
        CLERK,
        "POST",
        "received",
        "/@workflow/register",
        {"data": [1]},
        400,
        None,
    ),
    Row(
        "assign without a lead",
        LEADER,
        "POST",
        "submitted",
        "/@workflow/assign",
        {"deadline": "2099-01-01"},
        400,
        "lead",
    ),
    Row(
        "assign lead a list",
        LEADER,
        "POST",
        "submitted",
        "/@workflow/assign",
        {"lead": ["@unit"], "deadline": "2099-01-01"},
        400,
        "lead",
    ),
    Row(
        "assign lead of a bogus kind",
        LEADER,
        "POST",
        "submitted",
        "/@workflow/assign",
        {"lead": {"kind": "army", "id": "@unit"}, "deadline": "2099-01-01"},
        400,
        "lead",
    ),
    Row(
        "assign lead id a list",
        LEADER,
        "POST",
        "submitted",
        "/@workflow/assign",
        {"lead": {"kind": "user", "id": ["x"]}, "deadline": "2099-01-01"},
        400,
        "lead",
    ),
    Row(
        "assign another agency's unit",
        LEADER,
        "POST",
        "submitted",
        "/@workflow/assign",
        {"lead": {"kind": "unit", "id": "@other-unit"}, "deadline": "2099-01-01"},
        400,
        "lead",
    ),
    Row(
        "assign an unknown person",
        LEADER,
        "POST",
        "submitted",
        "/@workflow/assign",
        {"lead": {"kind": "user", "id": "nobody"}, "deadline": "2099-01-01"},
        400,
        "lead",
    ),
    Row(
        "assign without a deadline",
        LEADER,
        "POST",
        "submitted",
        "/@workflow/assign",
        {"lead": {"kind": "unit", "id": "@unit"}},
        400,
        "deadline",
    ),
    Row(
        "return without a reason",
        CLERK,
        "POST",
        "received",
        "/@workflow/return_to_sender",
        {},
        400,
        "comment",
    ),
    Row(
        "complete with a bogus reply",
        SPECIALIST,
        "POST",
        "in_progress",
        "/@workflow/complete",
        {"reply": "0" * 32},
        400,
        "reply",
    ),
    Row(
        "complete with a reply list",
        SPECIALIST,
        "POST",
        "in_progress",
        "/@workflow/complete",
        {"reply": ["x"]},
        400,
        "reply",
    ),
    Row(
        "issue into the incoming register",
        CLERK,
        "POST",
        "signed",
        "/@workflow/issue",
        {"register": "@register"},
        400,
        "register",
    ),
    Row(
        "replace by hand",
        CLERK,
        "POST",
        "issued",
        "/@workflow/replace",
        {"replacement": "0" * 32},
        400,
        None,
    ),
    Row(
        "correction without changes",
        CLERK,
        "POST",
        "registered",
        "/@correct-registration",
        {"reason": "Sửa"},
        400,
        "changes",
    ),
    Row(
        "correction changes a list",
        CLERK,
        "POST",
        "registered",
        "/@correct-registration",
        {"reason": "Sửa", "changes": ["title"]},
        400,
        "changes",
    ),
    Row(
        "correction without a reason",
        CLERK,
        "POST",
        "registered",
        "/@correct-registration",
        {"changes": {"page_count": 3}},
        400,
        "reason",
    ),
    Row(
        "correction of the arrival number",
        CLERK,
        "POST",
        "registered",
        "/@correct-registration",
        {"reason": "Sửa", "changes": {"arrival_number": 1}},
        400,
        "arrival_number",
    ),
    Row(
        "correction that changes nothing",
        CLERK,
        "POST",
        "registered",
        "/@correct-registration",
        {"reason": "Sửa", "changes": {"sender_name": "Bộ Thông tin và Truyền thông"}},
        400,
        "changes",
    ),
]

PERMISSIONS = [
    Row("anonymous creates", ANONYMOUS, "POST", "agency", "", incoming(), 401, None),
    Row(
        "another agency's clerk creates",
        OTHER_CLERK,
        "POST",
        "agency",
        "",
        incoming(),
        (401, 403),
        None,
    ),
    Row(
        "specialist creates an incoming document",
        SPECIALIST,
        "POST",
        "agency",
        "",
        incoming(),
        403,
        None,
    ),
    Row(
        "another agency's clerk edits",
        OTHER_CLERK,
        "PATCH",
        "received",
        "",
        {"title": "Sửa"},
        (401, 403, 404),
        None,
    ),
    Row(
        "anonymous registers",
        ANONYMOUS,
        "POST",
        "received",
        "/@workflow/register",
        {},
        (401, 403, 404),
        None,
    ),
    Row(
        "another agency's clerk registers",
        OTHER_CLERK,
        "POST",
        "received",
        "/@workflow/register",
        {},
        (400, 401, 403, 404),
        None,
    ),
    Row(
        "edit of a registered document",
        CLERK,
        "PATCH",
        "registered",
        "",
        {"title": "Sửa"},
        (401, 403),
        None,
    ),
    Row(
        "edit of signed content",
        CLERK,
        "PATCH",
        "signed",
        "",
        {"content": "Sửa sau khi ký"},
        403,
        "content",
    ),
    Row(
        "copy a registered document",
        CLERK,
        "POST",
        "agency",
        "/@copy",
        {"source": "@registered"},
        (401, 403),
        None,
    ),
    Row(
        "move a registered document",
        CLERK,
        "POST",
        "agency",
        "/@move",
        {"source": "@registered"},
        (401, 403),
        None,
    ),
]

DUPLICATES = [
    Row(
        "duplicate of a registered document",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(
            number_symbol="125/BTTTT-CĐSQG", sender_organ_id="@registered-organ-id"
        ),
        409,
        "allow_duplicate",
    ),
    Row(
        "duplicate, allow_duplicate as text",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(
            number_symbol="125/BTTTT-CĐSQG",
            sender_organ_id="@registered-organ-id",
            allow_duplicate="true",
        ),
        409,
        "allow_duplicate",
    ),
    Row(
        "duplicate, allow_duplicate 1",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(
            number_symbol="125/BTTTT-CĐSQG",
            sender_organ_id="@registered-organ-id",
            allow_duplicate=1,
        ),
        409,
        "allow_duplicate",
    ),
    Row(
        "duplicate registration",
        CLERK,
        "POST",
        "twin",
        "/@workflow/register",
        {},
        409,
        "allow_duplicate",
    ),
    Row(
        "duplicate registration, allow_duplicate as text",
        CLERK,
        "POST",
        "twin",
        "/@workflow/register",
        {"allow_duplicate": "yes"},
        409,
        "allow_duplicate",
    ),
]

LANGUAGE = [
    Row(
        "English when asked: unknown key",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(foo=1),
        400,
        "Unknown fields",
        {"Cookie": "I18N_LANGUAGE=en"},
    ),
    Row(
        "Vietnamese by default: unknown key",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(foo=1),
        400,
        "Trường không xác định",
    ),
    Row(
        "English when asked: bad date",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(document_date="0001-01-01"),
        400,
        "between",
        {"Cookie": "I18N_LANGUAGE=en"},
    ),
    Row(
        "Vietnamese by default: bad date",
        CLERK,
        "POST",
        "agency",
        "",
        incoming(document_date="0001-01-01"),
        400,
        "trong khoảng",
    ),
]

# Page forms: the same rules through the forms a person fills in. A form
# answers 200 with the message beside the field (or 403 without the
# authenticator), and nothing is changed.
FormRow = namedtuple("FormRow", "name user target path fields files expect says")
PDF_UPLOAD = ("van-ban.pdf", PDF, "application/pdf")
FORMS = [
    FormRow(
        "add form: NUL in the issuing agency",
        CLERK,
        "agency",
        "/++add++IncomingDocument",
        {"form.widgets.sender_name": "Bộ\x00Nội vụ"},
        {},
        200,
        "ký tự không được phép",
    ),
    FormRow(
        "add form: 1 MB summary",
        CLERK,
        "agency",
        "/++add++IncomingDocument",
        {"form.widgets.description": MEGABYTE},
        {},
        200,
        "10000",
    ),
    FormRow(
        "add form: truncated PDF",
        CLERK,
        "agency",
        "/++add++IncomingDocument",
        {},
        {"form.widgets.main_file": ("a.pdf", b"%PDF-1.4\n", "application/pdf")},
        200,
        "Nội dung tệp không đúng",
    ),
    FormRow(
        "add form: document date in year 1000",
        CLERK,
        "agency",
        "/++add++IncomingDocument",
        {"form.widgets.document_date": "1000-01-01"},
        {},
        200,
        None,
    ),
    FormRow(
        "add form: 600 pages… of 10**9",
        CLERK,
        "agency",
        "/++add++IncomingDocument",
        {"form.widgets.page_count": "1000000000"},
        {},
        200,
        None,
    ),
    FormRow(
        "add form without the authenticator",
        CLERK,
        "agency",
        "/++add++IncomingDocument",
        {"@no-token": "1"},
        {},
        (200, 403),
        None,
    ),
    FormRow(
        "assign form: deadline at the end of time",
        LEADER,
        "submitted",
        "/@@transition",
        {
            "workflow_action": "assign",
            "form.submitted": "1",
            "lead": "unit:@unit",
            "deadline": "9999-12-31",
        },
        {},
        200,
        "31/12/2100",
    ),
    FormRow(
        "assign form: no lead",
        LEADER,
        "submitted",
        "/@@transition",
        {"workflow_action": "assign", "form.submitted": "1", "deadline": "2030-12-31"},
        {},
        200,
        "chủ trì",
    ),
    FormRow(
        "assign form: 1 MB instructions",
        LEADER,
        "submitted",
        "/@@transition",
        {
            "workflow_action": "assign",
            "form.submitted": "1",
            "lead": "unit:@unit",
            "deadline": "2030-12-31",
            "instructions": MEGABYTE,
        },
        {},
        200,
        "quá dài",
    ),
    FormRow(
        "return form: no reason",
        CLERK,
        "received",
        "/@@transition",
        {"workflow_action": "return_to_sender", "form.submitted": "1"},
        {},
        200,
        "lý do",
    ),
    FormRow(
        "transition form without the authenticator",
        CLERK,
        "received",
        "/@@transition",
        {"workflow_action": "register", "form.submitted": "1", "@no-token": "1"},
        {},
        403,
        None,
    ),
    FormRow(
        "progress form: 1 MB note",
        SPECIALIST,
        "in_progress",
        "/@@progress-note",
        {"form.submitted": "1", "text": MEGABYTE},
        {},
        200,
        "quá dài",
    ),
    FormRow(
        "progress form: 150 %",
        SPECIALIST,
        "in_progress",
        "/@@progress-note",
        {"form.submitted": "1", "text": "Đã làm", "percent": "150"},
        {},
        200,
        "0 đến 100",
    ),
    FormRow(
        "progress form: NUL",
        SPECIALIST,
        "in_progress",
        "/@@progress-note",
        {"form.submitted": "1", "text": "a\x00b"},
        {},
        200,
        "không được phép",
    ),
    FormRow(
        "register page year:int=abc, as a page",
        CLERK,
        "register",
        "?year:int=abc",
        None,
        {},
        400,
        "abc",
    ),
]

TABLE = {
    "choices": CHOICES,
    "dates": DATES,
    "files": FILES,
    "malformed bodies": MALFORMED,
    "read-only and unknown fields": UNKNOWN_AND_READONLY,
    "numbers": NUMBERS,
    "lists": LISTS,
    "texts and sizes": TEXTS,
    "search and pages": SEARCH,
    "transitions": TRANSITIONS,
    "permissions": PERMISSIONS,
    "duplicates": DUPLICATES,
    "language": LANGUAGE,
    "page forms": FORMS,
}


class TestHostileRequests(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        portal = self.portal = self.layer["portal"]
        so = self.agency = agency(portal, "so-khcn")
        other = agency(portal, "so-noi-vu")
        setRoles(portal, TEST_USER_ID, ["Manager"])
        login(portal, CLERK)
        fixtures = {"agency": so, "site": portal, "register": so["so-den"]}
        fixtures["received"] = create_incoming(so, number_symbol="901/X-Y")
        registered = create_incoming(so, number_symbol="125/BTTTT-CĐSQG")
        do_transition(registered, "register")
        fixtures["registered"] = registered
        # Same number and symbol as ``registered``, not yet registered.
        fixtures["twin"] = create_incoming(so, number_symbol="125/BTTTT-CĐSQG")
        submitted = create_incoming(so, number_symbol="902/X-Y")
        do_transition(submitted, "register")
        do_transition(submitted, "submit")
        fixtures["submitted"] = submitted
        handled = create_incoming(so, number_symbol="903/X-Y")
        do_transition(handled, "register")
        do_transition(handled, "submit")
        login(portal, LEADER)
        do_transition(
            handled,
            "assign",
            data={"lead": {"kind": "user", "id": SPECIALIST, "deadline": "2099-01-01"}},
        )
        login(portal, SPECIALIST)
        do_transition(handled, "start")
        fixtures["in_progress"] = handled
        fixtures["draft"] = create_outgoing(
            so, "cntt", internal_recipients=[other.UID()]
        )
        signed = create_outgoing(so, "cntt", internal_recipients=[other.UID()])
        run_transitions(portal, signed, OUTGOING_TO_ISSUED[:-1])
        fixtures["signed"] = signed
        login(portal, SPECIALIST)
        issued = create_outgoing(so, "cntt", internal_recipients=[other.UID()])
        run_transitions(portal, issued, OUTGOING_TO_ISSUED)
        fixtures["issued"] = issued
        self.fixtures = fixtures
        # Values rows refer to by name ("@unit"): filled in at send time.
        self.names = {
            "@unit": so["cntt"].UID(),
            "@other-unit": other["tcbc"].UID(),
            "@register": so["so-den"].UID(),
            "@outgoing-register": so["so-di"].UID(),
            "@other-register": other["so-den"].UID(),
            "@registered": registered.absolute_url(),
            "@registered-organ-id": registered.sender_organ_id,
        }
        transaction.commit()
        self.sessions = {}

    def tearDown(self):
        for session in self.sessions.values():
            session.close()

    def session(self, user):
        if user not in self.sessions:
            session = requests.Session()
            if user:
                session.auth = (user, DEMO_PASSWORD)
            self.sessions[user] = session
        return self.sessions[user]

    def resolve(self, value):
        """Replace "@name" placeholders in a body with fixture values."""
        if isinstance(value, str):
            return self.names.get(value, value)
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        return value

    def snapshot(self):
        """What a refused request must leave as it was."""
        transaction.begin()
        catalog = api.portal.get_tool("portal_catalog")
        counts = {
            portal_type: len(catalog.unrestrictedSearchResults(portal_type=portal_type))
            for portal_type in (
                "IncomingDocument",
                "OutgoingDocument",
                "Annex",
                "CaseFile",
            )
        }
        documents = {
            name: (
                api.content.get_state(obj),
                getattr(obj, "arrival_number", None),
                getattr(obj, "number", None),
                len(history_of(obj)),
                obj.modified().ISO8601(),
                obj.Title(),
                len(obj.objectIds()),
            )
            for name, obj in self.fixtures.items()
            if hasattr(obj, "portal_type")
            and obj.portal_type in ("IncomingDocument", "OutgoingDocument")
        }
        so = self.agency
        counters = {
            register_id: last_number(so[register_id], date.today().year)
            for register_id in ("so-den", "so-di", "so-mat-den", "so-mat-di")
        }
        return counts, documents, counters

    def send(self, row):
        url = self.fixtures[row.target].absolute_url() + row.path
        headers = {"Accept": "application/json"}
        headers.update(row.headers or {})
        kwargs = {"headers": headers, "timeout": 60}
        if row.body is not None:
            if isinstance(row.body, bytes):
                kwargs["data"] = row.body
            else:
                kwargs["data"] = json.dumps(self.resolve(row.body)).encode("utf-8")
                headers.setdefault("Content-Type", "application/json")
        return self.session(row.user).request(row.method, url, **kwargs)

    def check(self, row):
        before = self.snapshot()
        response = self.send(row)
        expected = row.expect if isinstance(row.expect, tuple) else (row.expect,)
        self.assertLess(response.status_code, 500, response.text[:500])
        self.assertIn(response.status_code, expected, response.text[:500])
        if row.says:
            if "json" in (response.headers.get("Content-Type") or ""):
                error = response.json().get("error", {})
                said = [error.get("field") or "", error.get("message") or ""]
                for other in error.get("errors", []):
                    said += [other.get("field") or "", other.get("message") or ""]
                self.assertTrue(error.get("message"), response.text[:500])
            else:
                said = [response.text]
            self.assertTrue(
                any(row.says in text for text in said),
                f"{row.says!r} not named in {response.text[:500]}",
            )
        self.assertEqual(before, self.snapshot(), "the request changed something")
        return response

    def run_category(self, name):
        rows = TABLE[name]
        self.assertTrue(rows)
        for row in rows:
            with self.subTest(row=row.name):
                self.check(row)

    def token(self, user):
        """plone.protect's authenticator of ``user``, as its pages carry it."""
        from plone.protect.authenticator import createToken

        login(self.portal, user)
        return createToken()

    def check_form(self, row):
        before = self.snapshot()
        url = self.fixtures[row.target].absolute_url() + row.path
        session = self.session(row.user)
        if row.fields is None:
            response = session.get(url, headers={"Accept": "text/html"}, timeout=60)
        else:
            fields = {k: self.resolve(v) for k, v in row.fields.items()}
            if not fields.pop("@no-token", None):
                fields["_authenticator"] = self.token(row.user)
            if "++add++" in row.path:
                fields.setdefault("form.buttons.save", "Lưu")
            response = session.post(
                url,
                data=fields,
                files=row.files or None,
                headers={"Accept": "text/html"},
                timeout=60,
            )
        expected = row.expect if isinstance(row.expect, tuple) else (row.expect,)
        self.assertLess(response.status_code, 500, response.text[-500:])
        self.assertIn(response.status_code, expected, response.text[-500:])
        if row.says:
            self.assertTrue(row.says in response.text, f"{row.says!r} not on the page")
        self.assertEqual(before, self.snapshot(), "the form changed something")

    def test_page_forms(self):
        self.assertTrue(FORMS)
        for row in FORMS:
            with self.subTest(row=row.name):
                self.check_form(row)

    def test_choices(self):
        self.run_category("choices")

    def test_dates(self):
        self.run_category("dates")

    def test_files(self):
        self.run_category("files")

    def test_malformed_bodies(self):
        self.run_category("malformed bodies")

    def test_read_only_and_unknown_fields(self):
        self.run_category("read-only and unknown fields")

    def test_numbers(self):
        self.run_category("numbers")

    def test_lists(self):
        self.run_category("lists")

    def test_texts_and_sizes(self):
        self.run_category("texts and sizes")

    def test_search_and_pages(self):
        self.run_category("search and pages")

    def test_transitions(self):
        self.run_category("transitions")

    def test_permissions(self):
        self.run_category("permissions")

    def test_duplicates(self):
        self.run_category("duplicates")

    def test_language(self):
        self.run_category("language")

    def test_good_requests_still_pass(self):
        """The controls: the same endpoints accept good data."""
        clerk = self.session(CLERK)
        created = clerk.post(
            self.agency.absolute_url(),
            json=incoming(
                page_count=3,
                recipients=["Sở Khoa học và Công nghệ"],
                main_file=file_spec(PDF),
                urgency={"token": "urgent"},
            ),
            headers={"Accept": "application/json"},
        )
        self.assertEqual(created.status_code, 201, created.text)
        registered = clerk.post(
            created.json()["@id"] + "/@workflow/register",
            json={},
            headers={"Accept": "application/json"},
        )
        self.assertEqual(registered.status_code, 200, registered.text)
        found = clerk.get(
            self.portal.absolute_url() + "/@search",
            params={"b_size": 5, "SearchableText": "kiem tra", "sort_on": "created"},
            headers={"Accept": "application/json"},
        )
        self.assertEqual(found.status_code, 200, found.text)
        self.assertEqual(found.json()["items_total"], 1)


class TestTableSize(unittest.TestCase):
    def test_the_table_is_complete(self):
        sizes = {name: len(rows) for name, rows in TABLE.items()}
        self.assertGreaterEqual(sum(sizes.values()), 150, sizes)
        names = [row.name for rows in TABLE.values() for row in rows]
        self.assertEqual(len(names), len(set(names)), "row names repeat")
