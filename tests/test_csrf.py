"""CSRF on the REST API and the types of request bodies, over HTTP.

Each state-changing service is tried by a person signed in through the
login form (the ``__ac`` cookie a browser sends by itself, also from other
sites): without token and origin, with a forged token, from another site
(a ``text/plain`` form, as the attack did), from a sandboxed frame
(``Origin: null``). Each of these answers 403 and changes nothing (the
state is read back from the database). The same person's legitimate
requests (with the token as header or parameter, from the site's own
origin, or with only a same-site Referer) and Basic and JWT clients
succeed. Bodies of the wrong type answer 415 whoever sends them. Every
answer says ``X-Content-Type-Options: nosniff``.
"""

from datetime import timedelta
from phutho.intranet.dates import today
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.workflow.api import do_transition
from plone import api
from plone.app.testing import login
from plone.namedfile.file import NamedBlobFile
from urllib.parse import urlsplit

import json
import re
import requests
import transaction
import unittest

EVIL = "https://evil.example.org"
MULTIPART = (
    b"--b\r\n"
    b'Content-Disposition: form-data; name="body"\r\n\r\n'
    b"%s\r\n"
    b"--b--\r\n"
)


def refreshed(obj):
    """``obj`` as the database has it now (the server committed since)."""
    transaction.begin()
    obj._p_jar.sync()
    return obj


class Target:
    """A service to try: how to make a fresh object for it (as the test,
    in the database), the request, and whether it changed that object."""

    def __init__(self, name, user, make, method, path, body, changed, ok=(200, 201)):
        self.name = name
        self.user = user
        self.make = make
        self.method = method
        self.path = path
        self.body = body
        self.changed = changed
        self.ok = ok


def _registered(portal, number):
    login(portal, "vanthu.sokhcn")
    doc = create_incoming(
        agency(portal, "so-khcn"), number_symbol=f"{number}/BTTTT-CĐSQG"
    )
    do_transition(doc, "register")
    return doc


def _assigned(portal, number):
    doc = _registered(portal, number)
    do_transition(doc, "submit")
    login(portal, "lanhdao.sokhcn")
    lead = {
        "kind": "user",
        "id": "chuyenvien.sokhcn",
        "deadline": (today() + timedelta(days=5)).isoformat(),
    }
    do_transition(doc, "assign", data={"lead": lead})
    return doc


def _received(portal, number):
    login(portal, "vanthu.sokhcn")
    return create_incoming(
        agency(portal, "so-khcn"), number_symbol=f"{number}/BTTTT-CĐSQG"
    )


def _incoming_count(portal):
    return len(
        api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
            portal_type="IncomingDocument", Title="Tấn công"
        )
    )


def _news_page(portal):
    login(portal, "quantri")
    with api.env.adopt_roles(["Manager"]):
        return api.content.create(
            container=portal, type="Document", title="Trang thử xoá"
        )


def targets(portal):
    """The services under services/ that change data, and plone.restapi's
    that the attack used (content POST, @sharing) or that change state."""
    new_incoming = {
        "@type": "IncomingDocument",
        "title": "Tấn công",
        "document_type": "cong-van",
        "sender_name": "Bộ Thông tin và Truyền thông",
        "number_symbol": "1/ABC-XYZ",
        "document_date": "2026-11-20",
    }
    so_tttt = agency(portal, "so-khcn")
    return [
        Target(
            "@workflow/register",
            "vanthu.sokhcn",
            lambda n: _received(portal, n),
            "POST",
            lambda doc: f"{doc.absolute_url()}/@workflow/register",
            {"comment": "x"},
            lambda doc: api.content.get_state(refreshed(doc)) != "received",
        ),
        Target(
            "POST <agency>",
            "vanthu.sokhcn",
            lambda n: _incoming_count(portal),
            "POST",
            lambda count: so_tttt.absolute_url(),
            new_incoming,
            lambda count: (transaction.begin(), _incoming_count(portal))[1] != count,
        ),
        Target(
            "@sharing",
            "quantri",
            lambda n: _news_page(portal),
            "POST",
            lambda obj: f"{obj.absolute_url()}/@sharing",
            {
                "entries": [
                    {"id": "chuyenvien.snv", "type": "user", "roles": {"Reader": True}}
                ]
            },
            lambda obj: bool(
                refreshed(obj).get_local_roles_for_userid("chuyenvien.snv")
            ),
            ok=(200, 204),
        ),
        Target(
            "PATCH <document>",
            "vanthu.sokhcn",
            lambda n: _received(portal, n),
            "PATCH",
            lambda doc: doc.absolute_url(),
            {"title": "Đã bị sửa"},
            lambda doc: refreshed(doc).title == "Đã bị sửa",
            ok=(200, 204),
        ),
        Target(
            "@progress",
            "chuyenvien.sokhcn",
            lambda n: _assigned(portal, n),
            "POST",
            lambda doc: f"{doc.absolute_url()}/@progress",
            {"text": "Đã xử lý một phần", "percent": 50},
            lambda doc: "Đã xử lý một phần"
            in json.dumps(
                getattr(refreshed(doc), "_processing_history", []),
                default=str,
                ensure_ascii=False,
            ),
        ),
        Target(
            "@correct-registration",
            "vanthu.sokhcn",
            lambda n: _registered(portal, n),
            "POST",
            lambda doc: f"{doc.absolute_url()}/@correct-registration",
            {"reason": "Nhầm số", "changes": {"number_symbol": "999/BTTTT-SUA"}},
            lambda doc: refreshed(doc).number_symbol == "999/BTTTT-SUA",
        ),
        Target(
            "@lock",
            "vanthu.sokhcn",
            lambda n: _received(portal, n),
            "POST",
            lambda doc: f"{doc.absolute_url()}/@lock",
            {},
            lambda doc: refreshed(doc).wl_isLocked(),
        ),
        Target(
            "DELETE <page>",
            "quantri",
            lambda n: _news_page(portal),
            "DELETE",
            lambda page: page.absolute_url(),
            None,
            lambda page: (transaction.begin(), page.getId() not in portal)[1],
            ok=(200, 204),
        ),
    ]


class TestCsrf(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.portal_url = self.portal.absolute_url()
        parts = urlsplit(self.portal_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.sessions = []
        self.number = 700
        transaction.commit()

    def tearDown(self):
        for session in self.sessions:
            session.close()

    def session(self):
        session = requests.Session()
        session.headers["Accept"] = "application/json"
        self.sessions.append(session)
        return session

    def cookie_session(self, user_id):
        """Signed in through the login form, as a browser is."""
        session = self.session()
        response = session.post(
            f"{self.portal_url}/login",
            data={
                "__ac_name": user_id,
                "__ac_password": DEMO_PASSWORD,
                "buttons.login": "Đăng nhập",
            },
            headers={"Accept": "text/html"},
            allow_redirects=False,
        )
        self.assertIn(response.status_code, (200, 302))
        self.assertIn("__ac", session.cookies, "the login form set no cookie")
        return session

    def basic_session(self, user_id):
        session = self.session()
        session.auth = (user_id, DEMO_PASSWORD)
        return session

    def jwt_session(self, user_id):
        session = self.session()
        response = session.post(
            f"{self.portal_url}/@login",
            json={"login": user_id, "password": DEMO_PASSWORD},
        )
        self.assertEqual(response.status_code, 200, response.text)
        session.cookies.clear()  # only the token, as an API client
        session.headers["Authorization"] = f"Bearer {response.json()['token']}"
        return session

    def token(self, session):
        response = session.get(f"{self.portal_url}/@csrf-token")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        return response.json()["token"]

    def send(self, target, session, subject, headers=None, raw=None, params=None):
        kwargs = {"headers": dict(headers or {}), "params": params}
        if raw is not None:
            kwargs["data"] = raw
        elif target.body is not None:
            kwargs["json"] = target.body
        return session.request(target.method, target.path(subject), **kwargs)

    def fresh(self, target):
        self.number += 1
        subject = target.make(self.number)
        transaction.commit()
        return subject

    def refuse(self, target, session, status=403, **kwargs):
        subject = self.fresh(target)
        with self.assertLogs("phutho.intranet.protect", "WARNING") as logs:
            response = self.send(target, session, subject, **kwargs)
        self.assertEqual(response.status_code, status, response.text)
        error = response.json()["error"]
        self.assertTrue(error["message"])
        self.assertFalse(target.changed(subject), "changed although refused")
        self.assertIn(target.path(subject).split("/")[-1], logs.output[0])
        return error

    def accept(self, target, session, **kwargs):
        subject = self.fresh(target)
        response = self.send(target, session, subject, **kwargs)
        self.assertIn(response.status_code, target.ok, response.text)
        self.assertTrue(target.changed(subject), "not changed although accepted")

    def test_cookie_requests_without_token_or_origin_are_refused(self):
        for target in targets(self.portal):
            with self.subTest(target.name):
                cookie = self.cookie_session(target.user)
                error = self.refuse(target, cookie)
                self.assertEqual(error["type"], "Forbidden")
                self.assertIn("X-CSRF-TOKEN", error["message"])

    def test_cross_site_requests_are_refused(self):
        attacks = {
            "text/plain from another site": dict(
                headers={"Origin": EVIL, "Content-Type": "text/plain"},
                raw='{"register": "x", "x": "=y"}',
            ),
            "JSON from another site": dict(headers={"Origin": EVIL}),
            "sandboxed frame": dict(headers={"Origin": "null"}),
            "null origin, own referer": dict(
                headers={"Origin": "null", "Referer": f"{self.portal_url}/"}
            ),
            "no origin, foreign referer": dict(headers={"Referer": f"{EVIL}/page"}),
            "own host, other port": dict(headers={"Origin": f"{self.origin}1"}),
            "own host, other scheme": dict(
                headers={"Origin": self.origin.replace("http://", "https://")}
            ),
            "forged token": dict(headers={"X-CSRF-TOKEN": "0" * 40}),
            "forged parameter": dict(params={"_authenticator": "0" * 40}),
        }
        for target in targets(self.portal):
            cookie = self.cookie_session(target.user)
            for attack, kwargs in attacks.items():
                with self.subTest(target.name, attack=attack):
                    self.refuse(target, cookie, **kwargs)

    def test_another_persons_token_is_refused(self):
        target = targets(self.portal)[0]
        other = self.token(self.cookie_session("chuyenvien.sokhcn"))
        cookie = self.cookie_session(target.user)
        self.refuse(target, cookie, headers={"X-CSRF-TOKEN": other})

    def test_cookie_client_with_token_or_from_the_site(self):
        for target in targets(self.portal):
            cookie = self.cookie_session(target.user)
            token = self.token(cookie)
            ways = {
                "X-CSRF-TOKEN": dict(headers={"X-CSRF-TOKEN": token}),
                "_authenticator": dict(params={"_authenticator": token}),
                "own origin": dict(headers={"Origin": self.origin}),
                "own referer": dict(headers={"Referer": f"{self.portal_url}/x"}),
            }
            for way, kwargs in ways.items():
                with self.subTest(target.name, way=way):
                    self.accept(target, cookie, **kwargs)

    def test_basic_and_jwt_clients_work_unchanged(self):
        for target in targets(self.portal):
            for kind, session in (
                ("Basic", self.basic_session(target.user)),
                ("JWT", self.jwt_session(target.user)),
            ):
                with self.subTest(target.name, client=kind):
                    self.accept(target, session)
                    # Even from another site: a browser never adds this
                    # header across sites by itself.
                    self.accept(target, session, headers={"Origin": EVIL})

    def test_bodies_must_be_json(self):
        bodies = {
            "text/plain": "text/plain",
            "form": "application/x-www-form-urlencoded",
            "multipart": "multipart/form-data; boundary=b",
            "xml": "application/xml",
            "none": None,
        }
        for target in targets(self.portal):
            if target.body is None:
                continue
            session = self.basic_session(target.user)
            for kind, content_type in bodies.items():
                with self.subTest(target.name, body=kind):
                    # Raw bytes: requests sends no Content-Type of its own.
                    headers = {"Content-Type": content_type} if content_type else {}
                    raw = json.dumps(target.body).encode()
                    if kind == "multipart":
                        raw = MULTIPART % raw
                    error = self.refuse(
                        target, session, status=415, headers=headers, raw=raw
                    )
                    self.assertEqual(error["type"], "UnsupportedMediaType")
                    self.assertIn("application/json", error["message"])
                    self.assertEqual(error["field"], "Content-Type")

    def test_json_with_charset_and_empty_bodies_are_accepted(self):
        target = targets(self.portal)[0]
        session = self.basic_session(target.user)
        self.accept(
            target,
            session,
            headers={"Content-Type": "application/json; charset=utf-8"},
            raw=json.dumps(target.body).encode(),
        )
        self.accept(target, session, raw=b"")  # no body, no type needed

    def test_other_bodies_where_a_service_takes_them(self):
        from phutho.intranet.protect.csrf import accepted_content_types

        class Request:
            _rest_service_id = "POST_application_json_"

        def service(name, **attributes):
            return type("Service", (), {"__name__": name, **attributes})()

        self.assertEqual(
            accepted_content_types(
                Request(), service("POST_application_json_@mail-in")
            ),
            ("message/rfc822",),
        )
        self.assertEqual(
            accepted_content_types(
                Request(),
                service(
                    "POST_application_json_@scan",
                    accepted_content_types=("application/pdf",),
                ),
            ),
            ("application/pdf",),
        )
        self.assertEqual(
            accepted_content_types(
                Request(), service("POST_application_json_@workflow")
            ),
            ("application/json",),
        )

    def test_edxml_import_from_a_cookie(self):
        """``POST <agency>/@edxml`` takes XML, and a clerk's cookie needs the
        token there too: another site must not slip a document into the
        agency's incoming queue."""
        from pathlib import Path

        import importlib.util

        spec = importlib.util.spec_from_file_location(
            "edxml_corpus", Path(__file__).parents[1] / "scripts" / "edxml_corpus.py"
        )
        corpus = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(corpus)
        so_tttt = agency(self.portal, "so-khcn")
        url = f"{so_tttt.absolute_url()}/@edxml"
        catalog = api.portal.get_tool("portal_catalog")

        def count():
            transaction.begin()
            return len(
                catalog.unrestrictedSearchResults(
                    portal_type="IncomingDocument",
                    path="/".join(so_tttt.getPhysicalPath()),
                )
            )

        def message(number):
            return corpus.document(
                so_tttt.organ_id,
                DocumentId=f"000.00.00.G22,2026/11/20,{number}/VPCP-KSTT",
                CodeNumber=str(number),
            )

        cookie = self.cookie_session("vanthu.sokhcn")
        before = count()
        for headers in (
            {"Origin": EVIL, "Content-Type": "text/plain"},
            {"Origin": EVIL, "Content-Type": "application/xml"},
            {"Content-Type": "application/xml"},
        ):
            with self.subTest(**headers):
                with self.assertLogs("phutho.intranet.protect", "WARNING"):
                    response = cookie.post(url, data=message(31), headers=headers)
                self.assertEqual(response.status_code, 403, response.text)
                self.assertEqual(count(), before)
        token = {"X-CSRF-TOKEN": self.token(cookie)}
        response = cookie.post(
            url, data=message(32), headers={**token, "Content-Type": "text/plain"}
        )
        self.assertEqual(response.status_code, 415, response.text)
        self.assertIn("application/xml", response.json()["error"]["message"])
        self.assertEqual(count(), before)
        response = cookie.post(
            url,
            data=message(33),
            headers={**token, "Content-Type": "application/xml"},
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(count(), before + 1)

    def test_reading_needs_no_token(self):
        cookie = self.cookie_session("vanthu.sokhcn")
        response = cookie.get(
            agency(self.portal, "so-khcn").absolute_url(), headers={"Origin": EVIL}
        )
        self.assertEqual(response.status_code, 200)

    def test_the_token_on_pages(self):
        """Pages give their scripts the token (plone.protect's script tag),
        the same one @csrf-token gives."""
        target = targets(self.portal)[0]
        cookie = self.cookie_session(target.user)
        page = cookie.get(self.portal_url, headers={"Accept": "text/html"})
        token = re.search(r'<script[^>]*id="protect-script"[^>]*>', page.text)
        token = token and re.search(r'data-token="([0-9a-f]+)"', token.group(0))
        self.assertTrue(token, "no token on the page")
        self.accept(target, cookie, headers={"X-CSRF-TOKEN": token.group(1)})

    def test_page_forms_keep_plone_protect(self):
        """A browser form (not the REST API) without the token is refused by
        plone.protect, as before."""
        doc = self.fresh(targets(self.portal)[0])
        cookie = self.cookie_session("vanthu.sokhcn")
        response = cookie.post(
            f"{doc.absolute_url()}/content_status_modify",
            data={"workflow_action": "register"},
            headers={"Accept": "text/html", "Origin": EVIL},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(api.content.get_state(refreshed(doc)), "received")


class TestNoSniffing(unittest.TestCase):
    """``X-Content-Type-Options: nosniff`` on every kind of answer."""

    layer = PHUTHO_DEMO_SERVER_TESTING

    def test_every_response(self):
        portal = self.layer["portal"]
        doc = _received(portal, 900)
        with api.env.adopt_roles(["Manager"]):
            annex = api.content.create(
                container=doc,
                type="Annex",
                id="phu-luc.txt",
                file=NamedBlobFile(b"Phu luc", filename="phu-luc.txt"),
            )
        transaction.commit()
        clerk = (doc.absolute_url(), ("vanthu.sokhcn", DEMO_PASSWORD))
        requests_ = {
            "page": ("GET", portal.absolute_url(), None, "text/html", 200),
            "REST": ("GET", clerk[0], clerk[1], "application/json", 200),
            "download": (
                "GET",
                f"{annex.absolute_url()}/@@download/file",
                clerk[1],
                "*/*",
                200,
            ),
            "resource": (
                "GET",
                f"{portal.absolute_url()}/++theme++phutho/css/phutho.css",
                None,
                "text/css",
                200,
            ),
            "redirect": (
                "GET",
                f"{portal.absolute_url()}/resolveuid/{doc.UID()}",
                clerk[1],
                "text/html",
                301,
            ),
            "not found": (
                "GET",
                f"{portal.absolute_url()}/khong-co",
                None,
                "text/html",
                404,
            ),
            "unauthorized": ("GET", clerk[0], None, "application/json", 401),
            "refused": (
                "POST",
                f"{clerk[0]}/@workflow/register",
                clerk[1],
                "application/json",
                415,
            ),
        }
        for name, (method, url, auth, accept, status) in requests_.items():
            with self.subTest(name):
                response = requests.request(
                    method,
                    url,
                    auth=auth,
                    headers={"Accept": accept, "Content-Type": "text/plain"},
                    data="x" if method == "POST" else None,
                    allow_redirects=False,
                    timeout=60,
                )
                self.assertEqual(response.status_code, status, response.text[:500])
                self.assertEqual(
                    response.headers.get("X-Content-Type-Options"), "nosniff"
                )
