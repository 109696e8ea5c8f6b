"""The request and answer examples of docs/api.md, generated from the API.

Like plone.restapi's http-examples: one scenario sends, over HTTP, every
request docs/api.md shows (a document's whole life between two agencies,
its refusals, the searches, signing in) and writes each request and the
answer as text. Each example is stored in ``docs/http-examples/<name>.http``
and shown in docs/api.md between ``<!-- http-example: <name> -->`` and
``<!-- /http-example -->``. The test fails, showing a diff, when a stored
file or a block in docs/api.md differs from what the API answers now, when
docs/api.md shows an example the scenario does not send, or when an
example is not shown. To take the API's answers as the documentation::

    UPDATE_API_EXAMPLES=1 .venv/bin/zope-testrunner --path=tests \
        --tests-pattern=^test_api_examples --all

What varies between runs is written the same way each time:

* the server's address is ``http://localhost:8080/Plone``;
* a UID is ``<uid:name>``: the scenario names its documents, other objects
  are named by their path under ``/co-quan`` (``<uid:so-xay-dung/qlxd>``);
* tokens and passwords are ``<jwt>``, ``<csrf-token>``, ``<password>``, and
  credentials ``Authorization: Basic <user id>``;
* the scenario happens on 25/11/2026 from 09:00 local time, one minute per
  request: a time stamped by the server while it answered request *n* is
  written as 09:00 + *n* minutes; today's date is 2026-11-25, and the dates
  the scenario sends relative to today (deadlines, arrivals) are written
  relative to that day. A value cut to the second is taken as the
  answering request's own; a time of today that cannot be traced to one
  request (made before the scenario, between two requests, or cut to the
  second and older than the answering request) is refused: leave it out
  of the example. Dates are sent relative to today
  rather than fixed, so that the scenario never ages (a deadline may not
  be in the past, an arrival must be in the register's year).

JSON answers are written with sorted keys; a long answer is cut to the
keys named in the scenario, and a cut object ends with ``"…": "…"``.
"""

from datetime import date
from datetime import datetime
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path
from phutho.intranet.dates import TIMEZONE
from phutho.intranet.testing import agency
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from plone.app.uuid.utils import uuidToObject
from urllib.parse import urlsplit

import base64
import difflib
import json
import math
import os
import pytz
import re
import requests
import time
import transaction
import unicodedata
import unittest

DOCS = Path(__file__).resolve().parents[1] / "docs"
API_MD = DOCS / "api.md"
EXAMPLES_DIR = DOCS / "http-examples"
UPDATE_VARIABLE = "UPDATE_API_EXAMPLES"
UPDATE_COMMAND = (
    "UPDATE_API_EXAMPLES=1 .venv/bin/zope-testrunner --path=tests "
    "--tests-pattern=^test_api_examples --all"
)

EXAMPLE_URL = "http://localhost:8080/Plone"
EXAMPLE_ORIGIN = "http://localhost:8080"
EXAMPLE_DAY = date(2026, 11, 25)
EXAMPLE_START = TIMEZONE.localize(datetime(2026, 11, 25, 9, 0))
EXCERPT = "…"

BLOCK_RE = re.compile(
    r"<!-- http-example: (?P<name>[\w.-]+) -->\n(?P<body>.*?)<!-- /http-example -->",
    re.DOTALL,
)
UID_RE = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")
JWT_RE = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")
# Dates, times and the period folders named after them, in one pass so
# that nothing is rewritten twice.
MOMENT_RE = re.compile(
    r"(?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"
    r"(?P<seconds>:\d{2}(?P<fraction>\.\d{1,6})?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?)"
    r"|(?P<date>\d{4}-\d{2}-\d{2})"
    r"|(?P<local>\d{2}/\d{2}/\d{4}(?: \d{2}:\d{2})?)"
    r"|(?P<period>/(?:van-ban-den|van-ban-di)/\d{4}/\d{2}(?![\d]))"
    r"|(?P<year>/ho-so/\d{4}(?![\d]))"
    r"|(?P<month>Tháng \d{2}/\d{4})"
)
# Response headers worth showing; the others (Date, Server…) say nothing.
SHOWN_HEADERS = ("Content-Type", "Location", "Retry-After", "Cache-Control")

# A small PDF that passes the portal's content check (header and %%EOF).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class UnstableValue(AssertionError):
    """A value that would differ between runs and cannot be normalised."""


def visible(text):
    """``text`` with invisible and control characters (other than line
    breaks) as JSON escapes: a bidi override in a request body must not
    turn the documentation around."""
    out = []
    for char in text:
        category = unicodedata.category(char)
        if char != "\n" and category in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"):
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


def excerpt(value, keys):
    """``value`` cut to ``keys``: names, or ``(name, keys)`` to cut a
    nested object (or each object of a list) too. A cut object ends with
    ``"…": "…"``."""
    if isinstance(value, list):
        return [excerpt(item, keys) for item in value]
    if not isinstance(value, dict):
        return value
    result = {}
    for key in keys:
        name, inner = key if isinstance(key, tuple) else (key, None)
        if name not in value:
            raise AssertionError(f"The answer has no {name!r}: {sorted(value)}")
        result[name] = value[name] if inner is None else excerpt(value[name], inner)
    if set(value) - set(result):
        result[EXCERPT] = EXCERPT
    return result


class Client:
    """A way of signing in: a requests session and the headers an example
    shows for it (credentials written as placeholders)."""

    def __init__(self, shown=(), auth=None, headers=None):
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        self.session.headers.update(headers or {})
        self.session.auth = auth
        self.shown = list(shown)


class Example:
    """One request and its answer, kept raw until the whole scenario has
    run (the names of UIDs are known only then)."""

    def __init__(self, name, index, request, response, keys, headers):
        self.name = name
        self.index = index
        self.request = request
        self.response = response
        self.keys = keys
        self.headers = headers


class Recorder:
    """Sends the scenario's requests, keeps the examples and writes them
    the same way in every run."""

    def __init__(self, portal):
        self.portal = portal
        self.portal_url = portal.absolute_url()
        parts = urlsplit(self.portal_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.site_path = parts.path
        self.today = datetime.now(TIMEZONE).date()
        self.days = {self.today: EXAMPLE_DAY}
        self.anchors = {}
        self.windows = []
        self.uids = {}
        self.secrets = {DEMO_PASSWORD: "<password>"}
        self.examples = []
        self.clients = []

    # -- clients and names ---------------------------------------------------

    def basic(self, user_id):
        client = Client(
            [("Authorization", f"Basic <{user_id}>")], auth=(user_id, DEMO_PASSWORD)
        )
        self.clients.append(client)
        return client

    def bearer(self, token):
        self.secrets[token] = "<jwt>"
        client = Client(
            [("Authorization", "Bearer <jwt>")],
            headers={"Authorization": f"Bearer {token}"},
        )
        self.clients.append(client)
        return client

    def anonymous(self):
        client = Client()
        self.clients.append(client)
        return client

    def cookie(self, user_id):
        """Signed in through the login form, as a browser is."""
        client = Client([("Cookie", f"__ac=<cookie of {user_id}>")])
        response = client.session.post(
            f"{self.portal_url}/login",
            data={
                "__ac_name": user_id,
                "__ac_password": DEMO_PASSWORD,
                "buttons.login": "Đăng nhập",
            },
            headers={"Accept": "text/html"},
            allow_redirects=False,
        )
        assert response.status_code in (200, 302), response.status_code
        cookie = client.session.cookies.get("__ac")
        assert cookie, "the login form set no cookie"
        self.secrets[cookie] = f"<cookie of {user_id}>"
        self.clients.append(client)
        return client

    def close(self):
        for client in self.clients:
            client.session.close()

    def name_uid(self, uid, name):
        self.uids[uid] = f"<uid:{name}>"
        return uid

    def secret(self, value, placeholder):
        self.secrets[value] = placeholder
        return value

    def day(self, days):
        """The date ``days`` after today (ISO), written as that many days
        after 2026-11-25."""
        real = self.today + timedelta(days=days)
        self.days[real] = EXAMPLE_DAY + timedelta(days=days)
        return real.isoformat()

    def arrival(self, minute, shown):
        """A local date-time of today early enough to be past when the
        scenario runs (00:0m), written as 25/11/2026 at ``shown``
        ("08:30")."""
        real = TIMEZONE.localize(
            datetime(self.today.year, self.today.month, self.today.day, 0, minute)
        )
        hour, _sep, minutes = shown.partition(":")
        self.anchors[real] = EXAMPLE_START.replace(hour=int(hour), minute=int(minutes))
        return real.replace(tzinfo=None).isoformat()

    # -- sending ------------------------------------------------------------

    def send(
        self,
        client,
        method,
        path,
        status,
        name=None,
        json_body=None,
        data=None,
        content_type=None,
        headers=None,
        cookies=None,
        params=None,
        keys=None,
        show_headers=(),
    ):
        """Send a request to ``path`` (relative to the site) and check its
        status; with ``name``, keep it as an example (``keys``: cut the
        answer to these; ``show_headers``: request headers to show)."""
        request_headers = dict(headers or {})
        kwargs = {"headers": request_headers, "params": params, "cookies": cookies}
        if json_body is not None:
            kwargs["data"] = json.dumps(json_body).encode("utf-8")
            request_headers.setdefault("Content-Type", "application/json")
        elif data is not None:
            kwargs["data"] = data.encode("utf-8") if isinstance(data, str) else data
            if content_type:
                request_headers["Content-Type"] = content_type
        url = (
            f"{self.portal_url}/{path.lstrip('/')}" if path != "/" else self.portal_url
        )
        started = time.time()
        response = client.session.request(method, url, allow_redirects=False, **kwargs)
        self.windows.append((started, time.time()))
        if response.status_code != status:
            raise AssertionError(
                f"{method} {path}: {response.status_code}, expected {status}\n"
                f"{response.text[:2000]}"
            )
        if name:
            shown = list(client.shown)
            if cookies:
                extra = "; ".join(f"{k}={v}" for k, v in cookies.items())
                shown = [
                    (h, f"{v}; {extra}") if h == "Cookie" else (h, v) for h, v in shown
                ]
                if not any(h == "Cookie" for h, v in shown):
                    shown.append(("Cookie", extra))
            for header in show_headers:
                shown.append((header, request_headers[header]))
            if "Content-Type" in request_headers:
                shown.append(("Content-Type", request_headers["Content-Type"]))
            body = json_body if json_body is not None else data
            assert name not in {e.name for e in self.examples}, name
            self.examples.append(
                Example(
                    name,
                    len(self.windows) - 1,
                    (method, response.request.path_url, body),
                    response,
                    keys,
                    shown,
                )
            )
        return response

    # -- writing ------------------------------------------------------------

    def render_all(self):
        """``{name: text}`` of every example, in the scenario's order."""
        transaction.begin()  # see what the server committed
        self.portal._p_jar.sync()
        examples = {}
        for example in self.examples:
            try:
                examples[example.name] = self.render(example)
            except UnstableValue as error:
                raise UnstableValue(f"Example {example.name}: {error}") from None
        return examples

    def render(self, example):
        method, path_url, body = example.request
        index = example.index
        path = path_url
        if path.startswith(self.site_path):
            path = urlsplit(EXAMPLE_URL).path + path[len(self.site_path) :]
        lines = [
            f"{method} {self.text(path, index)} HTTP/1.1",
            "Accept: application/json",
        ]
        lines += [f"{h}: {self.text(v, index)}" for h, v in example.headers]
        if body is not None:
            lines.append("")
            if isinstance(body, (dict, list)):
                lines.append(self.dump(self.walk(body, index), sort=False))
            else:
                lines.append(visible(self.text(body, index)))
        response = example.response
        reply = [
            f"HTTP/1.1 {response.status_code} {HTTPStatus(response.status_code).phrase}"
        ]
        for header in SHOWN_HEADERS:
            if header in response.headers:
                reply.append(f"{header}: {self.text(response.headers[header], index)}")
        if response.content:
            reply.append("")
            if response.headers.get("Content-Type", "").startswith("application/json"):
                value = response.json()
                if example.keys is not None:
                    value = excerpt(value, example.keys)
                reply.append(self.dump(self.walk(value, index), sort=True))
            else:
                reply.append(visible(self.text(response.text, index)))
        return "\n".join(lines) + "\n\n" + "\n".join(reply) + "\n"

    @staticmethod
    def dump(value, sort):
        return visible(json.dumps(value, indent=2, sort_keys=sort, ensure_ascii=False))

    def walk(self, value, index):
        """``value`` (decoded JSON) with every string normalised; a
        history entry's ``time_local`` follows its normalised ``time``."""
        if isinstance(value, dict):
            result = {}
            for key, item in value.items():
                if key == "time_local" and isinstance(value.get("time"), str):
                    continue
                result[key] = self.walk(item, index)
            if "time_local" in value and isinstance(value.get("time"), str):
                moment = datetime.fromisoformat(result["time"]).astimezone(TIMEZONE)
                result["time_local"] = moment.strftime("%d/%m/%Y %H:%M")
            return result
        if isinstance(value, list):
            return [self.walk(item, index) for item in value]
        if isinstance(value, str):
            return self.text(value, index)
        return value

    def text(self, value, index):
        """One string as every run writes it."""
        value = value.replace(self.portal_url, EXAMPLE_URL)
        value = value.replace(self.origin, EXAMPLE_ORIGIN)
        for secret, placeholder in self.secrets.items():
            value = value.replace(secret, placeholder)
        value = JWT_RE.sub("<jwt>", value)
        value = UID_RE.sub(lambda match: self.uid_name(match.group(0)), value)
        return MOMENT_RE.sub(lambda match: self.moment(match, index), value)

    def uid_name(self, uid):
        if uid not in self.uids:
            obj = uuidToObject(uid, unrestricted=True)
            if obj is None:
                raise UnstableValue(f"Unknown UID {uid}: name it (name_uid)")
            path = "/".join(obj.getPhysicalPath())
            folders = "/".join(self.portal.getPhysicalPath()) + "/co-quan/"
            if not path.startswith(folders) or obj.portal_type in (
                "IncomingDocument",
                "OutgoingDocument",
                "CaseFile",
                "PeriodFolder",
            ):
                raise UnstableValue(f"UID {uid} of {path}: name it (name_uid)")
            self.uids[uid] = f"<uid:{path[len(folders):]}>"
        return self.uids[uid]

    def moment(self, match, index):
        text = match.group(0)
        if match.group("datetime"):
            return self.instant(match, index)
        if match.group("date"):
            return self.date_text(date.fromisoformat(text), text)
        if match.group("local"):
            if " " in text:
                raise UnstableValue(f"{text}: a local time outside a history entry")
            return self.date_text(datetime.strptime(text, "%d/%m/%Y").date(), text)
        if match.group("month"):
            month, year = text.split()[1].split("/")
            return self.period(int(year), int(month), text, "Tháng {m:02d}/{y}")
        year_month = text.rsplit("/", 2)
        if match.group("period"):
            prefix = text[: -len("/2026/11")]
            return self.period(
                int(year_month[-2]), int(year_month[-1]), text, prefix + "/{y}/{m:02d}"
            )
        prefix = text[: -len("/2026")]
        return self.period(int(year_month[-1]), None, text, prefix + "/{y}")

    def period(self, year, month, text, pattern):
        """A period folder of now (documents are filed when created)."""
        if (year, month or self.today.month) != (self.today.year, self.today.month):
            raise UnstableValue(f"{text}: a period folder other than today's")
        return pattern.format(y=EXAMPLE_DAY.year, m=EXAMPLE_DAY.month)

    def date_text(self, day, text):
        if day in self.days:
            shown = self.days[day]
            return shown.strftime("%d/%m/%Y") if "/" in text else shown.isoformat()
        if abs((day - self.today).days) <= 1:
            raise UnstableValue(
                f"{text}: a date near today that the scenario did not send"
            )
        return text

    def instant(self, match, index):
        text = match.group(0)
        zone = match.group("zone")
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        moment = TIMEZONE.localize(parsed) if zone is None else parsed
        shown = self.anchors.get(moment)
        if shown is None:
            shown = self.made_by(moment, match.group("fraction"), index, text)
        if shown is None:
            return text
        # Written as the server wrote it: naive local, UTC or an offset.
        out = shown.astimezone(parsed.tzinfo if zone else TIMEZONE)
        written = out.replace(tzinfo=None).isoformat(
            timespec="seconds" if match.group("seconds") else "minutes"
        )
        if match.group("fraction"):
            written += "." + "0" * (len(match.group("fraction")) - 1)
        if zone == "Z":
            return written + "Z"
        if zone:
            offset = int(out.utcoffset().total_seconds() // 60)
            sign = "-" if offset < 0 else "+"
            hours, minutes = divmod(abs(offset), 60)
            return f"{written}{sign}{hours:02d}:{minutes:02d}"
        return written

    def made_by(self, moment, fraction, index, text):
        """The example time of the request whose answer stamped ``moment``;
        None when ``moment`` is no time of the scenario."""
        stamp = moment.timestamp()
        if not self.windows or abs(stamp - self.windows[-1][1]) > 3 * 86400:
            return None
        first, last = self.windows[0][0], self.windows[-1][1]
        if not first - 1 <= stamp <= last + 1:
            raise UnstableValue(f"{text}: a time of today made outside the scenario")
        if fraction:
            for number, (start, end) in enumerate(self.windows):
                if start - 1e-5 <= stamp <= end:
                    return EXAMPLE_START + timedelta(minutes=number)
            raise UnstableValue(f"{text}: made between two requests")
        start, end = self.windows[index]
        if math.floor(start) <= stamp <= end:
            return EXAMPLE_START + timedelta(minutes=index)
        raise UnstableValue(
            f"{text}: cut to the second and made by an earlier request; "
            "leave it out of the example"
        )


def scenario(rec):
    """Everything docs/api.md shows, in the order a document lives it."""
    portal = rec.portal
    sxd = agency(portal, "so-xay-dung")
    hahoa = agency(portal, "ubnd-xa-ha-hoa")
    sxd_path = "co-quan/so-xay-dung"
    qlxd = sxd["qlxd"].UID()
    incoming_register = sxd["so-den"].UID()
    outgoing_register = sxd["so-di"].UID()

    clerk = rec.basic("vanthu.sxd")
    leader = rec.basic("lanhdao.sxd")
    head = rec.basic("truongphong.sxd")
    specialist = rec.basic("chuyenvien.sxd")
    other_clerk = rec.basic("vanthu.hahoa")

    # -- signing in -------------------------------------------------------
    login = rec.send(
        rec.anonymous(),
        "POST",
        "@login",
        200,
        name="login",
        json_body={"login": "vanthu.sxd", "password": DEMO_PASSWORD},
    )
    token = rec.secret(login.json()["token"], "<jwt>")
    rec.send(
        rec.bearer(token),
        "GET",
        f"{sxd_path}/@vocabularies/phutho.intranet.AgencyUsers",
        200,
        name="login-bearer",
    )

    # -- an incoming document -------------------------------------------------
    pdf = {
        "data": base64.b64encode(PDF).decode("ascii"),
        "encoding": "base64",
        "filename": "125-BXD-GD.pdf",
        "content-type": "application/pdf",
    }
    incoming_body = {
        "@type": "IncomingDocument",
        "title": "Về việc hướng dẫn quản lý chất lượng công trình xây dựng",
        "document_type": "cong-van",
        "sender_name": "Bộ Xây dựng",
        "sender_organ_id": "000.00.00.G12",
        "number_symbol": "125/BXD-GĐ",
        "document_date": "2026-11-20",
        "arrival_date": rec.arrival(0, "08:30"),
        "urgency": "urgent",
        "page_count": 3,
        "recipients": ["Sở Xây dựng các tỉnh, thành phố"],
        "processing_deadline": rec.day(15),
        "main_file": pdf,
    }
    created = rec.send(
        clerk,
        "POST",
        sxd_path,
        201,
        name="incoming-create",
        json_body=incoming_body,
        keys=[
            "@id",
            "@type",
            "UID",
            "review_state",
            "title",
            "document_type",
            "number_symbol",
            "sender_name",
            "sender_organ_id",
            "document_date",
            "arrival_date",
            "arrival_number",
            "register",
            "channel",
            "urgency",
            "secrecy",
            "page_count",
            "signer_authority",
            "processing_deadline",
            "recipients",
            "main_file",
            "related_documents",
            ("parent", ["@id", "@type", "title"]),
        ],
    ).json()
    incoming = created["@id"][len(rec.portal_url) + 1 :]
    incoming_uid = rec.name_uid(created["UID"], "incoming")

    # Refusals: each body has the required fields and one kind of fault.
    minimal = {
        key: incoming_body[key]
        for key in (
            "@type",
            "title",
            "document_type",
            "sender_name",
            "sender_organ_id",
            "number_symbol",
            "document_date",
        )
    }
    rec.send(
        clerk,
        "POST",
        sxd_path,
        400,
        name="incoming-create-invalid",
        json_body=dict(
            minimal,
            sender_organ_id="BXD 12",
            page_count=0,
            arrival_date="2026-11-19T08:30:00",
        ),
    )
    rec.send(
        clerk,
        "POST",
        sxd_path,
        400,
        name="incoming-create-invalid-en",
        json_body=dict(minimal, urgency=["urgent"]),
        cookies={"I18N_LANGUAGE": "en"},
    )
    rec.send(
        clerk,
        "POST",
        sxd_path,
        400,
        name="incoming-create-unknown",
        json_body=dict(minimal, created="2026-01-01", foo="bar"),
    )
    rec.send(
        clerk,
        "POST",
        sxd_path,
        400,
        name="incoming-create-readonly",
        json_body=dict(minimal, arrival_number=5),
    )
    rec.send(
        clerk,
        "POST",
        sxd_path,
        400,
        name="incoming-create-characters",
        json_body=dict(minimal, sender_name="Bộ Xây dựng\u202e"),
    )
    text_as_pdf = dict(pdf, data=base64.b64encode(b"Not a PDF at all").decode())
    rec.send(
        clerk,
        "POST",
        sxd_path,
        400,
        name="incoming-create-file",
        json_body=dict(minimal, main_file=text_as_pdf),
    )

    # Editing while received; a cookie client needs the CSRF token.
    rec.send(
        clerk,
        "PATCH",
        incoming,
        204,
        name="incoming-patch",
        json_body={"page_count": 4, "urgency": "very_urgent"},
    )
    browser = rec.cookie("vanthu.sxd")
    csrf = rec.send(browser, "GET", "@csrf-token", 200, name="csrf-token").json()
    rec.secret(csrf["token"], "<csrf-token>")
    rec.send(
        browser,
        "PATCH",
        incoming,
        403,
        name="csrf-refused",
        json_body={"page_count": 5},
    )
    rec.send(
        browser,
        "PATCH",
        incoming,
        204,
        name="csrf-header",
        json_body={"page_count": 5},
        headers={"X-CSRF-TOKEN": csrf["token"]},
        show_headers=["X-CSRF-TOKEN"],
    )
    rec.send(
        clerk,
        "POST",
        sxd_path,
        415,
        name="body-type",
        data=json.dumps({"@type": "IncomingDocument"}),
        content_type="text/plain",
    )
    rec.send(
        clerk,
        "POST",
        sxd_path,
        400,
        name="body-malformed",
        data='{"@type": "IncomingDocument", "title": ',
        content_type="application/json",
    )

    # Registration, and what is locked afterwards.
    rec.send(
        clerk,
        "POST",
        f"{incoming}/@workflow/register",
        400,
        name="register-refused",
        json_body={"register": outgoing_register},
    )
    rec.send(
        clerk,
        "POST",
        f"{incoming}/@workflow/register",
        200,
        name="register",
        json_body={"comment": "Vào sổ văn bản đến", "register": incoming_register},
    )
    rec.send(
        clerk,
        "PATCH",
        incoming,
        401,
        name="incoming-patch-registered",
        json_body={"number_symbol": "126/BXD-GĐ"},
    )
    rec.send(
        clerk,
        "POST",
        sxd_path,
        409,
        name="incoming-create-duplicate",
        json_body=dict(minimal, number_symbol="125 / bxd-gd"),
    )
    rec.send(
        clerk,
        "POST",
        f"{incoming}/@correct-registration",
        201,
        name="correct-registration",
        json_body={
            "reason": "Nhập nhầm ngày văn bản",
            "changes": {"document_date": "2026-11-19"},
        },
    )
    rec.send(
        clerk,
        "POST",
        f"{incoming}/@correct-registration",
        400,
        name="correct-registration-refused",
        json_body={"reason": "Sửa số đến", "changes": {"arrival_number": 7}},
    )
    rec.send(clerk, "POST", f"{incoming}/@workflow/submit", 200, json_body={})
    rec.send(
        clerk,
        "POST",
        f"{incoming}/@workflow/assign",
        400,
        name="transition-not-offered",
        json_body={"lead": {"kind": "unit", "id": qlxd, "deadline": rec.day(10)}},
    )

    # The leader assigns, the head of unit hands over, the specialist works.
    lead = {"kind": "unit", "id": qlxd}
    rec.send(
        leader,
        "POST",
        f"{incoming}/@workflow/assign",
        400,
        name="assign-refused",
        json_body={"lead": lead},
    )
    rec.send(
        leader,
        "POST",
        f"{incoming}/@workflow/assign",
        200,
        name="assign",
        json_body={
            "comment": "Giao Phòng Quản lý xây dựng",
            "lead": dict(lead, deadline=rec.day(10)),
            "coordinators": [{"kind": "user", "id": "chuyenvien2.sxd"}],
            "instructions": "Phòng QLXD chủ trì, Văn phòng Sở phối hợp; báo cáo trước hạn.",
        },
    )
    rec.send(
        head,
        "POST",
        f"{incoming}/@workflow/reassign",
        200,
        name="reassign",
        json_body={
            "handler": "chuyenvien.sxd",
            "deadline": rec.day(8),
            "instructions": "Đồng chí Bình dự thảo văn bản trả lời.",
        },
    )
    rec.send(specialist, "POST", f"{incoming}/@workflow/start", 200, json_body={})
    rec.send(
        specialist,
        "POST",
        f"{incoming}/@progress",
        201,
        name="progress",
        json_body={"text": "Đã rà soát các công trình đang thi công", "percent": 60},
    )
    rec.send(
        specialist,
        "GET",
        "@search",
        200,
        name="search-assignees",
        params=[
            ("assignees", "chuyenvien.sxd"),
            ("review_state", "assigned"),
            ("review_state", "in_progress"),
            ("sort_on", "deadline"),
            ("metadata_fields", "deadline"),
            ("metadata_fields", "number_symbol"),
        ],
    )

    # -- an outgoing document answering it ------------------------------------
    outgoing_body = {
        "@type": "OutgoingDocument",
        "title": "Về việc báo cáo công tác quản lý chất lượng công trình năm 2026",
        "document_type": "cong-van",
        "drafting_unit": qlxd,
        "content": "Sở Xây dựng báo cáo kết quả kiểm tra chất lượng công trình…",
        "internal_recipients": [hahoa.UID()],
        "external_recipients": ["Bộ Xây dựng | 000.00.00.G12 | vanthu@moc.gov.vn"],
        "copies": 3,
        "reply_deadline": rec.day(20),
        "in_reply_to": [incoming_uid],
    }
    draft = rec.send(
        specialist,
        "POST",
        sxd_path,
        201,
        name="outgoing-create",
        json_body=outgoing_body,
        keys=[
            "@id",
            "@type",
            "UID",
            "review_state",
            "title",
            "document_type",
            "drafting_unit",
            "internal_recipients",
            "external_recipients",
            "copies",
            "reply_deadline",
            ("in_reply_to", ["@id", "title"]),
            "number",
            "issued_date",
            "symbol",
            "register",
        ],
    ).json()
    outgoing = draft["@id"][len(rec.portal_url) + 1 :]
    outgoing_uid = rec.name_uid(draft["UID"], "outgoing")
    rec.send(
        specialist, "POST", f"{outgoing}/@workflow/submit_for_review", 200, json_body={}
    )
    rec.send(
        head,
        "POST",
        f"{outgoing}/@workflow/submit_for_signature",
        200,
        json_body={"comment": "Đề nghị lãnh đạo Sở ký"},
    )
    rec.send(leader, "POST", f"{outgoing}/@workflow/sign", 200, json_body={})
    rec.send(
        clerk,
        "PATCH",
        outgoing,
        403,
        name="outgoing-patch-signed",
        json_body={"content": "Nội dung khác với bản đã ký"},
    )
    rec.send(
        clerk,
        "POST",
        f"{outgoing}/@workflow/issue",
        200,
        name="issue",
        json_body={"comment": "Phát hành", "register": outgoing_register},
    )
    rec.send(
        clerk,
        "GET",
        outgoing,
        200,
        name="outgoing-issued",
        keys=["@id", "review_state", "number", "issued_date", "symbol", "register"],
    )
    rec.send(
        specialist,
        "POST",
        f"{incoming}/@workflow/complete",
        200,
        name="complete",
        json_body={"comment": "Đã trả lời bằng văn bản", "reply": outgoing_uid},
    )
    rec.send(
        clerk,
        "GET",
        f"{incoming}/@processing-history",
        200,
        name="processing-history",
    )

    # The recipient agency registers its copy; the sender recalls.
    queue = rec.send(
        other_clerk,
        "GET",
        "co-quan/ubnd-xa-ha-hoa/@search",
        200,
        params={"portal_type": "IncomingDocument", "review_state": "received"},
    ).json()["items"]
    copies = [i["@id"] for i in queue if i["title"] == outgoing_body["title"]]
    assert len(copies) == 1, queue
    copy = copies[0][len(rec.portal_url) + 1 :]
    rec.send(other_clerk, "POST", f"{copy}/@workflow/register", 200, json_body={})
    rec.send(
        leader,
        "POST",
        f"{outgoing}/@workflow/recall",
        200,
        name="recall",
        json_body={"comment": "Thu hồi để bổ sung số liệu quý IV"},
    )
    copy_uid = rec.send(other_clerk, "GET", copy, 200).json()["UID"]
    rec.name_uid(copy_uid, "copy-at-ubnd-xa-ha-hoa")
    rec.send(clerk, "GET", f"{outgoing}/@delivery-status", 200, name="delivery-status")

    # -- a case file, searches, what others see --------------------------------
    casefile = rec.send(
        clerk,
        "POST",
        sxd_path,
        201,
        name="casefile-create",
        json_body={
            "@type": "CaseFile",
            "file_code": "2026.QLXD.01",
            "title": "Hồ sơ quản lý chất lượng công trình năm 2026",
            "retention": "10",
            "rights": "restricted",
            "file_creator": "Phòng Quản lý xây dựng",
            "start_date": "2026-01-05",
            "documents": [incoming_uid, outgoing_uid],
        },
        keys=[
            "@id",
            "@type",
            "UID",
            "file_code",
            "title",
            "retention",
            "file_creator",
            "start_date",
            "end_date",
            ("documents", ["@id", "title"]),
            "review_state",
        ],
    ).json()
    rec.name_uid(casefile["UID"], "casefile")
    rec.send(
        clerk,
        "GET",
        f"{sxd_path}/@search",
        200,
        name="search-text",
        params=[
            ("SearchableText", "chat luong cong trinh"),
            ("portal_type", "IncomingDocument"),
            ("portal_type", "OutgoingDocument"),
            ("sort_on", "document_date"),
            ("metadata_fields", "number_symbol"),
            ("metadata_fields", "document_date"),
            ("metadata_fields", "arrival_date"),
        ],
    )
    rec.send(
        clerk,
        "GET",
        "@search",
        400,
        name="search-refused",
        params={"portal_type": "IncomingDocument", "b_size": "-1"},
    )
    rec.send(
        other_clerk,
        "GET",
        f"resolveuid/{incoming_uid}",
        404,
        name="resolveuid-hidden",
    )


class TestApiExamples(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def test_examples_match_the_api(self):
        wait_past_midnight()
        recorder = Recorder(self.layer["portal"])
        try:
            scenario(recorder)
            generated = recorder.render_all()
        finally:
            recorder.close()
        self.assertEqual(
            datetime.now(TIMEZONE).date(),
            recorder.today,
            "The day changed during the scenario: run the test again.",
        )
        if os.environ.get(UPDATE_VARIABLE) == "1":
            problems = update(generated)
        else:
            problems = compare(generated)
        if problems:
            self.fail("\n\n".join(problems))


class FakePortal:
    """What the recorder reads of a portal, for the tests of normalising."""

    def absolute_url(self):
        return "http://127.0.0.1:54321/plone"

    def getPhysicalPath(self):
        return ("", "plone")


class TestNormalising(unittest.TestCase):
    """The same example on another day: what varies is written the same."""

    def setUp(self):
        self.rec = Recorder(FakePortal())
        # As if the scenario ran on 3 January 2027, two requests at 10:00.
        self.rec.today = date(2027, 1, 3)
        self.rec.days = {self.rec.today: EXAMPLE_DAY}
        start = TIMEZONE.localize(datetime(2027, 1, 3, 10, 0, 0, 500000))
        self.rec.windows = [
            (start.timestamp(), start.timestamp() + 0.2),
            (start.timestamp() + 1.6, start.timestamp() + 1.9),
        ]
        self.start = start

    def text(self, value, index=1):
        return self.rec.text(value, index)

    def test_address_and_periods(self):
        self.assertEqual(
            self.text("http://127.0.0.1:54321/plone/co-quan/x/van-ban-den/2027/01/a"),
            "http://localhost:8080/Plone/co-quan/x/van-ban-den/2026/11/a",
        )
        self.assertEqual(self.text("/co-quan/x/ho-so/2027"), "/co-quan/x/ho-so/2026")
        self.assertEqual(self.text("Tháng 01/2027"), "Tháng 11/2026")
        with self.assertRaises(UnstableValue):
            self.text("/co-quan/x/van-ban-di/2026/12/a")

    def test_dates(self):
        deadline = self.rec.day(10)
        self.assertEqual(deadline, "2027-01-13")
        self.assertEqual(self.text(deadline), "2026-12-05")
        self.assertEqual(self.text("2027-01-03"), "2026-11-25")
        self.assertEqual(self.text("03/01/2027"), "25/11/2026")
        self.assertEqual(self.text("2026-11-20"), "2026-11-20")  # fixed: kept
        with self.assertRaises(UnstableValue):
            self.text("2027-01-04")  # near today, not sent by the scenario

    def test_times(self):
        arrival = self.rec.arrival(0, "08:30")
        self.assertEqual(arrival, "2027-01-03T00:00:00")
        self.assertEqual(self.text(arrival), "2026-11-25T08:30:00")
        self.assertEqual(
            self.text("2027-01-02T17:00:00+00:00"), "2026-11-25T01:30:00+00:00"
        )
        made = (self.start + timedelta(seconds=0.1)).isoformat()
        self.assertEqual(self.text(made), "2026-11-25T09:00:00.000000+07:00")
        second = (self.start + timedelta(seconds=1.7)).astimezone(pytz.utc)
        self.assertEqual(
            self.text(second.replace(microsecond=0).isoformat()),
            "2026-11-25T02:01:00+00:00",
        )
        with self.assertRaises(UnstableValue):  # cut to the second, request 0
            self.text(self.start.replace(microsecond=0).isoformat(), index=1)
        with self.assertRaises(UnstableValue):  # between the two requests
            self.text((self.start + timedelta(seconds=0.25)).isoformat())
        self.assertEqual(
            self.text("2019-05-01T10:00:00+07:00"), "2019-05-01T10:00:00+07:00"
        )

    def test_history_entry(self):
        made = (self.start + timedelta(seconds=1.7)).isoformat()
        entry = self.rec.walk({"time": made, "time_local": "03/01/2027 10:00"}, 1)
        self.assertEqual(entry["time_local"], "25/11/2026 09:01")

    def test_names_and_secrets(self):
        self.rec.name_uid("0123456789abcdef0123456789abcdef", "incoming")
        self.rec.secret("s3cr3t-token", "<csrf-token>")
        self.assertEqual(
            self.text("resolveuid/0123456789abcdef0123456789abcdef?t=s3cr3t-token"),
            "resolveuid/<uid:incoming>?t=<csrf-token>",
        )
        self.assertEqual(self.text("Bearer eyJa.eyJb.c-d_e"), "Bearer <jwt>")
        self.assertEqual(visible('"a\u202eb\x00"'), '"a\\u202eb\\u0000"')


def wait_past_midnight():
    """Dates are normalised against today: never run across midnight."""
    now = datetime.now(TIMEZONE)
    if now.hour == 23 and now.minute >= 58:
        tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=2, second=5)
        time.sleep((tomorrow - now).total_seconds())
    elif now.hour == 0 and now.minute < 2:
        time.sleep((now.replace(minute=2, second=5) - now).total_seconds())


def block(text):
    """An example as docs/api.md shows it: the request, then the answer."""
    request, _sep, response = text.partition("\n\nHTTP/1.1 ")
    return f"```http\n{request}\n```\n\n```http\nHTTP/1.1 {response}```\n"


def stored_files():
    return {path.stem: path for path in sorted(EXAMPLES_DIR.glob("*.http"))}


def diff(expected, actual, label):
    lines = difflib.unified_diff(
        expected.splitlines(keepends=True),
        actual.splitlines(keepends=True),
        f"{label} (documented)",
        f"{label} (the API now)",
    )
    return "".join(lines)


def compare(generated):
    """What differs between the documentation and the API, as messages."""
    problems = []
    for name, text in generated.items():
        path = EXAMPLES_DIR / f"{name}.http"
        stored = path.read_text(encoding="utf-8") if path.exists() else ""
        if stored != text:
            problems.append(diff(stored, text, f"docs/http-examples/{name}.http"))
    for name in sorted(set(stored_files()) - set(generated)):
        problems.append(f"docs/http-examples/{name}.http: no longer generated.")
    shown = {}
    for match in BLOCK_RE.finditer(API_MD.read_text(encoding="utf-8")):
        name = match.group("name")
        if name in shown:
            problems.append(f"docs/api.md shows {name} twice.")
        shown[name] = match.group("body")
        if name not in generated:
            problems.append(f"docs/api.md shows {name}, which the test does not send.")
        elif match.group("body") != block(generated[name]):
            problems.append(
                diff(match.group("body"), block(generated[name]), f"docs/api.md {name}")
            )
    for name in generated:
        if name not in shown:
            problems.append(f"{name} is not shown in docs/api.md.")
    if problems:
        problems.insert(
            0,
            "docs/api.md's examples differ from what the API answers. If the "
            "API is right, update them (then review the diff and the prose "
            f"around them):\n    {UPDATE_COMMAND}",
        )
    return problems


def update(generated):
    """Write the examples and the blocks of docs/api.md."""
    EXAMPLES_DIR.mkdir(exist_ok=True)
    for name, path in stored_files().items():
        if name not in generated:
            path.unlink()
    for name, text in generated.items():
        path = EXAMPLES_DIR / f"{name}.http"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    document = API_MD.read_text(encoding="utf-8")
    shown = set()

    def replace(match):
        name = match.group("name")
        shown.add(name)
        if name not in generated:
            return match.group(0)
        return (
            f"<!-- http-example: {name} -->\n{block(generated[name])}"
            "<!-- /http-example -->"
        )

    updated = BLOCK_RE.sub(replace, document)
    if updated != document:
        API_MD.write_text(updated, encoding="utf-8")
    problems = [
        f"docs/api.md shows {name}, which the test does not send."
        for name in sorted(shown - set(generated))
    ]
    problems += [
        f"{name}: add '<!-- http-example: {name} -->' and, on the next line, "
        "'<!-- /http-example -->' to docs/api.md where it belongs."
        for name in generated
        if name not in shown
    ]
    return problems
