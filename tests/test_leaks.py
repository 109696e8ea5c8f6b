"""What a person may not see stays unseen, over HTTP.

Table-driven: every request of :func:`leak_table` is sent as anonymous, as
another agency's official and as an official of the same agency without
access to the secret document, and each answer is checked for its status
and for what its body must not contain (the secret document's title, its
former id, its UID, people's and groups' ids). Then the fixes one by one:
neutral ids of secret documents (created by form, REST or code, made
secret later, renamed by the upgrade), the case file's edit form, and the
access rules of people's vocabularies.
"""

from phutho.intranet.protect.names import NEUTRAL_ID
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import create_outgoing
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import OUTGOING_TO_ISSUED
from phutho.intranet.testing import PHUTHO_DEMO_INTEGRATION_TESTING
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import run_transitions
from phutho.intranet.workflow.api import do_transition
from plone import api
from plone.app.redirector.interfaces import IRedirectionStorage
from plone.app.testing import login
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.namedfile.file import NamedBlobFile
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.intid.interfaces import IIntIds
from zope.lifecycleevent import modified

import json
import re
import requests
import transaction
import unittest

SECRET_TITLE = "Kế hoạch bảo vệ bí mật nhà nước năm 2027"
SECRET_SLUG = "ke-hoach-bao-ve-bi-mat-nha-nuoc-nam-2027"
ANNEX_NAME = "danh-muc-bi-mat.pdf"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
UNKNOWN_UID = "0123456789abcdef0123456789abcdef"

ANONYMOUS = None
OTHER_AGENCY = "chuyenvien.snv"  # Sở Nội vụ
SAME_AGENCY = "chuyenvien2.sokhcn"  # Sở KH&CN, not on the secret document
PERSONAS = (ANONYMOUS, OTHER_AGENCY, SAME_AGENCY)

# Ids of the people and groups of the agency holding the secret document
# and of the webmaster (its agency's public mailbox, vanthu.sokhcn@…, is
# on its pages: that is no account).
PEOPLE = re.compile(
    r"\b(?:vanthu|lanhdao|truongphong|chuyenvien2?)\.sokhcn\b(?!@)"
    r"|\bso-khcn-(?:clerks|secret-clerks|leaders|officials|[a-z]+-heads"
    r"|[a-z]+-specialists)\b|\bquantri\b"
)


def refused(persona):
    """401 for anonymous (signing in may help), 403 for officials."""
    return 401 if persona is ANONYMOUS else 403


class Row:
    """One request of the table: ``path`` is relative to the portal and
    may name ``{secret}`` (the document's path) and ``{uid}``."""

    def __init__(
        self, name, path, status, html=False, people=True, params=None, empty=False
    ):
        self.name = name
        self.path = path
        self.status = status  # an int, or a function of the persona
        self.html = html
        self.people = people  # the body must name no person or group
        self.params = params
        self.empty = empty  # a search that must find nothing

    def expected(self, persona):
        return self.status(persona) if callable(self.status) else self.status


def leak_table():
    """The requests that told anonymous or outsiders too much."""
    return [
        # resolveuid: a secret document, and an unknown UID, look the same.
        Row("resolveuid page", "resolveuid/{uid}", 404, html=True),
        Row("resolveuid unknown", f"resolveuid/{UNKNOWN_UID}", 404, html=True),
        Row("resolveuid API", "++api++/resolveuid/{uid}", 404),
        Row("resolveuid subpath", "resolveuid/{uid}/@@download/file", 404, html=True),
        # An item in a folder the person may not view: as if absent.
        Row("annex page", "{secret}/" + ANNEX_NAME, 404, html=True),
        Row("annex absent page", "{secret}/khong-co.pdf", 404, html=True),
        Row("annex API", "++api++/{secret}/" + ANNEX_NAME, 404),
        Row("annex absent API", "++api++/{secret}/khong-co.pdf", 404),
        Row("annex download", "{secret}/" + ANNEX_NAME + "/@@download/file", 404),
        # The document itself sits in a public month folder: refused as
        # Plone refuses, but its URL no longer tells its title.
        Row("document API", "++api++/{secret}", 401),
        Row("old address", "{folder}/" + SECRET_SLUG, 404, html=True),
        # People and groups.
        Row("group ids", "@vocabularies/plone.app.users.group_ids", refused),
        Row("users", "@vocabularies/plone.app.vocabularies.Users?title=a", refused),
        Row("groups", "@vocabularies/plone.app.vocabularies.Groups", refused),
        Row("principals", "@vocabularies/plone.app.vocabularies.Principals", refused),
        Row(
            "users (widget)",
            "@@getVocabulary?name=plone.app.vocabularies.Users",
            refused,
        ),
        Row(
            "group ids (widget)",
            "@@getVocabulary?name=plone.app.users.group_ids",
            refused,
        ),
        Row(
            "agency officials",
            "co-quan/so-khcn/@vocabularies/phutho.intranet.AgencyUsers",
            lambda p: 200 if p == SAME_AGENCY else refused(p),
            people=False,  # their own agency's people: they work with them
        ),
        Row(
            "a person's page",
            "author/vanthu.sokhcn",
            lambda p: {ANONYMOUS: 302, OTHER_AGENCY: 404, SAME_AGENCY: 200}[p],
            html=True,
            people=False,  # shown to the same agency: checked below
        ),
        Row(
            "an unknown person's page",
            "author/khong-co-ai",
            lambda p: 302 if p is ANONYMOUS else 404,
            html=True,
        ),
        Row(
            "creators on the agency",
            "co-quan/so-khcn/@search",
            200,
            params={"metadata_fields": ["listCreators", "Creator"]},
        ),
        Row(
            "creators of period folders",
            "@search",
            200,
            params={
                "portal_type": "PeriodFolder",
                "metadata_fields": ["listCreators", "Creator"],
            },
        ),
        Row("search by creator", "@search?Creator=vanthu.sokhcn", 200, empty=True),
        Row(
            "search by creator (sender)",
            "@search?Creator=chuyenvien.sokhcn",
            200,
            empty=True,
        ),
        # Documents: relations and pickers.
        Row("relation counts", "@relations", refused),
        Row("broken relations", "@relations?onlyBroken=true", refused),
        Row("relations of the secret", "@relations?source={uid}", 404),
        Row("relations to the secret", "@relations?target={uid}", 404),
        Row("relations of unknown", f"@relations?source={UNKNOWN_UID}", 404),
        Row("relations by name", "@relations?relation=in_reply_to", 200),
        Row(
            "content picker",
            "@@getVocabulary?name=plone.app.vocabularies.Catalog",
            lambda p: 401 if p is ANONYMOUS else 200,
            params={
                "query": json.dumps({"criteria": []}),
                "attributes": json.dumps(["UID", "Title", "path"]),
            },
        ),
        Row(
            "content picker without attributes",
            "@@getVocabulary?name=plone.app.vocabularies.Catalog",
            lambda p: 401 if p is ANONYMOUS else 400,
        ),
        Row("search text", "@search?SearchableText=bí mật", 200),
        Row("search page", "@@search?SearchableText=bí mật", 200, html=True),
    ]


class LeakCase(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.portal_url = self.portal.absolute_url()
        self.agency = agency(self.portal, "so-khcn")
        self.secret = self.make_secret()
        transaction.commit()

    def make_secret(self):
        """A registered secret incoming document of Sở KH&CN with an annex,
        which an issued reply of Sở Nội vụ's clerk's agency cites."""
        login(self.portal, "vanthu.sokhcn")
        secret = create_incoming(
            self.agency,
            title=SECRET_TITLE,
            secrecy="secret",
            number_symbol="77/KH-CAT",
        )
        do_transition(secret, "register")
        with api.env.adopt_roles(["Manager"]):
            api.content.create(
                container=secret,
                type="Annex",
                id=ANNEX_NAME,
                file=NamedBlobFile(PDF, filename=ANNEX_NAME),
            )
        login(self.portal, "chuyenvien.sokhcn")
        reply = create_outgoing(
            self.agency,
            "cntt",
            internal_recipients=[agency(self.portal, "so-noi-vu").UID()],
        )
        reply.in_reply_to = [RelationValue(getUtility(IIntIds).register(secret))]
        modified(reply)  # the relation catalog follows
        run_transitions(self.portal, reply, OUTGOING_TO_ISSUED)
        return secret

    def get(self, persona, path, html=False, params=None):
        auth = (persona, DEMO_PASSWORD) if persona else None
        accept = "text/html" if html else "application/json"
        return requests.get(
            f"{self.portal_url}/{path}",
            auth=auth,
            headers={"Accept": accept},
            params=params,
            allow_redirects=False,
            timeout=60,
        )

    def assertTellsNothing(self, response, people=True):
        body = response.text
        if response.headers.get("Content-Type", "").startswith("application/json"):
            # Not the request's own words echoed back (``@search?Creator=…``).
            answer = response.json()
            if isinstance(answer, dict):
                for echo in ("@id", "batching"):
                    answer.pop(echo, None)
            body = json.dumps(answer, ensure_ascii=False)
        for secret in (SECRET_TITLE, SECRET_SLUG, "77/KH-CAT", "bí mật nhà nước"):
            self.assertNotIn(secret, body)
        location = response.headers.get("Location", "")
        self.assertNotIn(self.secret.getId(), location)
        if people:
            found = [m.group(0) for m in PEOPLE.finditer(body)]
            self.assertEqual(found, [], body[:3000])


class TestLeakTable(LeakCase):
    def test_table(self):
        secret = self.secret
        values = {
            "uid": secret.UID(),
            "secret": "/".join(secret.getPhysicalPath()[2:]),
            "folder": "/".join(secret.aq_parent.getPhysicalPath()[2:]),
        }
        for row in leak_table():
            for persona in PERSONAS:
                with self.subTest(row.name, persona=persona):
                    response = self.get(
                        persona, row.path.format(**values), row.html, row.params
                    )
                    self.assertEqual(
                        response.status_code, row.expected(persona), response.text
                    )
                    # Officials of the agency may know its people.
                    self.assertTellsNothing(
                        response, row.people and persona != SAME_AGENCY
                    )
                    if row.empty and persona != SAME_AGENCY:
                        self.assertEqual(response.json()["items_total"], 0)

    def test_the_secret_is_seen_by_its_people(self):
        """The same requests answer those who may see the document."""
        uid = self.secret.UID()
        response = self.get("vanthu.sokhcn", f"resolveuid/{uid}", html=True)
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response.headers["Location"], self.secret.absolute_url())
        path = "/".join(self.secret.getPhysicalPath()[2:])
        annex = self.get("vanthu.sokhcn", f"++api++/{path}/{ANNEX_NAME}")
        self.assertEqual(annex.status_code, 200, annex.text)
        relations = requests.get(
            f"{self.portal_url}/@relations",
            auth=(SITE_OWNER_NAME, SITE_OWNER_PASSWORD),
            headers={"Accept": "application/json"},
            timeout=60,
        )
        self.assertEqual(relations.status_code, 200, relations.text)
        self.assertIn("in_reply_to", relations.json()["stats"])
        of_secret = self.get("vanthu.sokhcn", f"@relations?target={uid}")
        self.assertEqual(of_secret.status_code, 200, of_secret.text)
        self.assertEqual(len(of_secret.json()["relations"]["in_reply_to"]["items"]), 1)
        for vocabulary in ("plone.app.users.group_ids", "plone.app.vocabularies.Users"):
            answer = self.get("quantri", f"@vocabularies/{vocabulary}?title=a")
            self.assertEqual(answer.status_code, 200, vocabulary)

    def test_refusals_are_not_login_pages(self):
        """A concealed item answers 404 with no challenge (no redirect to the
        login form, no WWW-Authenticate), as an absent one."""
        path = "/".join(self.secret.getPhysicalPath()[2:])
        present = self.get(ANONYMOUS, f"{path}/{ANNEX_NAME}", html=True)
        absent = self.get(ANONYMOUS, f"{path}/khong-co.pdf", html=True)
        for response in (present, absent):
            self.assertEqual(response.status_code, 404)
            self.assertNotIn("Location", response.headers)
            self.assertNotIn("WWW-Authenticate", response.headers)
        api_present = self.get(OTHER_AGENCY, f"++api++/{path}/{ANNEX_NAME}").json()
        api_absent = self.get(OTHER_AGENCY, f"++api++/{path}/khong-co.pdf").json()
        self.assertEqual(api_present["error"], api_absent["error"])
        self.assertEqual(api_present["error"]["type"], "NotFound")

    def test_other_refusals_answer_as_before(self):
        """Where nothing is concealed (the document sits in a month folder
        anyone may list) the refusal is the portal's usual one: the login
        page for a browser, a 401 in the error model over the API."""
        path = "/".join(self.secret.getPhysicalPath()[2:])
        page = self.get(ANONYMOUS, path, html=True)
        self.assertEqual(page.status_code, 302)
        self.assertIn("require_login", page.headers["Location"])
        for persona in (ANONYMOUS, OTHER_AGENCY):
            answer = self.get(persona, f"++api++/{path}")
            self.assertEqual(answer.status_code, 401)
            self.assertEqual(answer.json()["error"]["type"], "Unauthorized")

    def test_a_persons_page_for_colleagues_only(self):
        fullname = api.user.get(userid="vanthu.sokhcn").getProperty("fullname")
        self.assertTrue(fullname)
        for persona, shown in ((OTHER_AGENCY, False), (SAME_AGENCY, True)):
            page = self.get(persona, "author/vanthu.sokhcn", html=True)
            self.assertEqual(fullname in page.text, shown, persona)
        webmaster = self.get("quantri", "author/vanthu.sokhcn", html=True)
        self.assertIn(fullname, webmaster.text)

    def test_officials_see_their_colleagues(self):
        response = self.get(
            SAME_AGENCY, "co-quan/so-khcn/@vocabularies/phutho.intranet.AgencyUsers"
        )
        tokens = {item["token"] for item in response.json()["items"]}
        self.assertIn("vanthu.sokhcn", tokens)
        self.assertNotIn("vanthu.snv", tokens)


class TestNeutralIds(LeakCase):
    def test_created_in_code(self):
        self.assertRegex(self.secret.getId(), NEUTRAL_ID)
        self.assertTrue(
            self.secret.getId().startswith("van-ban-" + self.secret.UID()[:12])
        )
        login(self.portal, "vanthu.sokhcn")
        normal = create_incoming(self.agency, title=SECRET_TITLE, number_symbol="1/A-B")
        self.assertTrue(normal.getId().startswith(SECRET_SLUG))

    def rest(self, user):
        session = requests.Session()
        session.auth = (user, DEMO_PASSWORD)
        session.headers["Accept"] = "application/json"
        self.addCleanup(session.close)
        return session

    def body(self, **fields):
        return {
            "@type": "IncomingDocument",
            "title": SECRET_TITLE,
            "document_type": "ke-hoach",
            "sender_name": "Công an tỉnh",
            "number_symbol": "78/KH-CAT",
            "document_date": "2026-11-20",
            "secrecy": "top_secret",
            **fields,
        }

    def test_created_through_rest(self):
        response = self.rest("vanthu.sokhcn").post(
            self.agency.absolute_url(), json=self.body()
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.assertRegex(response.json()["@id"].rsplit("/", 1)[1], NEUTRAL_ID)

    def test_an_id_of_ones_own_is_refused(self):
        count = len(
            self.agency.portal_catalog.unrestrictedSearchResults(
                portal_type="IncomingDocument"
            )
        )
        response = self.rest("vanthu.sokhcn").post(
            self.agency.absolute_url(), json=self.body(id=SECRET_SLUG)
        )
        self.assertEqual(response.status_code, 400, response.text)
        self.assertEqual(response.json()["error"]["field"], "id")
        transaction.begin()
        self.assertEqual(
            len(
                self.agency.portal_catalog.unrestrictedSearchResults(
                    portal_type="IncomingDocument"
                )
            ),
            count,
        )

    def test_created_through_the_form(self):
        from plone.testing.zope import Browser

        browser = Browser(self.layer["app"])
        browser.handleErrors = False
        browser.addHeader("Authorization", f"Basic vanthu.sokhcn:{DEMO_PASSWORD}")
        browser.open(f"{self.agency.absolute_url()}/++add++IncomingDocument")
        form = browser.getForm(id="form")
        form.getControl(name="form.widgets.title").value = SECRET_TITLE
        form.getControl(name="form.widgets.document_type:list").value = ["ke-hoach"]
        form.getControl(name="form.widgets.secrecy:list").value = ["secret"]
        form.getControl(name="form.widgets.sender_name").value = "Công an tỉnh"
        form.getControl(name="form.widgets.number_symbol").value = "79/KH-CAT"
        form.getControl(name="form.widgets.document_date").value = "2026-11-20"
        form.getControl(name="form.buttons.save").click()
        self.assertRegex(browser.url.rstrip("/").rsplit("/", 1)[1], NEUTRAL_ID)

    def test_made_secret_later(self):
        login(self.portal, "vanthu.sokhcn")
        doc = create_incoming(
            self.agency, title=SECRET_TITLE, number_symbol="80/KH-CAT"
        )
        old_url = doc.absolute_url()
        self.assertIn(SECRET_SLUG, old_url)
        transaction.commit()
        response = self.rest("vanthu.sokhcn").patch(
            old_url,
            json={"secrecy": "confidential"},
            headers={"Prefer": "return=representation"},
        )
        self.assertEqual(response.status_code, 200, response.text)
        new_url = response.json()["@id"]
        self.assertRegex(new_url.rsplit("/", 1)[1], NEUTRAL_ID)
        # The old address is not kept as a redirect.
        old = self.get("vanthu.sokhcn", old_url.split("/plone/", 1)[1], html=True)
        self.assertEqual(old.status_code, 404)
        transaction.begin()
        storage = getUtility(IRedirectionStorage)
        self.assertNotIn(
            "/".join(doc.getPhysicalPath()[:-1]) + "/" + old_url.rsplit("/", 1)[1],
            storage,
        )


class TestCaseFileForm(LeakCase):
    def test_edit_form_prints_only_visible_documents(self):
        login(self.portal, SAME_AGENCY)
        from datetime import date
        from phutho.intranet.content.storage import add_document

        visible = create_outgoing(self.agency, "vp", title="Báo cáo công khai")
        case = add_document(
            self.agency,
            "CaseFile",
            title="Hồ sơ thử",
            file_code="2026.VP.01",
            retention="permanent",
            start_date=date(2026, 1, 1),
        )
        intids = getUtility(IIntIds)
        case.documents = [
            RelationValue(intids.register(self.secret)),
            RelationValue(intids.register(visible)),
        ]
        transaction.commit()
        from plone.testing.zope import Browser

        browser = Browser(self.layer["app"])
        browser.handleErrors = False
        browser.addHeader("Authorization", f"Basic {SAME_AGENCY}:{DEMO_PASSWORD}")
        browser.open(f"{case.absolute_url()}/edit")
        self.assertNotIn(self.secret.UID(), browser.contents)
        self.assertIn(visible.UID(), browser.contents)
        browser.getForm(id="form").getControl(name="form.buttons.save").click()
        transaction.begin()
        kept = [r.to_object for r in case.documents]
        self.assertEqual(
            sorted(o.UID() for o in kept), sorted([self.secret.UID(), visible.UID()])
        )


class TestUpgrade(unittest.TestCase):
    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def test_v1002_security(self):
        from phutho.intranet.upgrades import v1002_security
        from plone.app.theming.interfaces import IThemeSettings

        portal = self.layer["portal"]
        api.portal.set_registry_record(
            "hostnameBlacklist", ["127.0.0.1"], interface=IThemeSettings
        )
        login(portal, "vanthu.sokhcn")
        doc = create_incoming(
            agency(portal, "so-khcn"), title=SECRET_TITLE, number_symbol="81/KH-CAT"
        )
        doc.secrecy = "top_secret"  # as before 1002: no rename then
        doc.reindexObject()
        old_path = "/".join(doc.getPhysicalPath())
        self.assertIn(SECRET_SLUG, old_path)
        login(portal, "quantri")
        v1002_security.theme_every_host(None)
        v1002_security.rename_secret_documents(None)
        v1002_security.reindex_skeleton_creators(None)
        self.assertEqual(
            api.portal.get_registry_record(
                "hostnameBlacklist", interface=IThemeSettings
            ),
            [],
        )
        self.assertRegex(doc.getId(), NEUTRAL_ID)
        self.assertNotIn(old_path, getUtility(IRedirectionStorage))
        catalog = api.portal.get_tool("portal_catalog")
        self.assertEqual(
            len(
                catalog.unrestrictedSearchResults(
                    Creator="vanthu.sokhcn", portal_type="PeriodFolder"
                )
            ),
            0,
        )
