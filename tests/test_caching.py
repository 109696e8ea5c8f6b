"""HTTP caching (plone.app.caching) and the theme's stylesheet in Plone's
resource registry; upgrade 1007 -> 1008 (upgrades/v1008_caching.py).

Through a real HTTP server: resources with a hash in their address are
kept a year, pages are kept in RAM and revalidated for anonymous visitors
only, pages of signed-in people are never cached, and a document's file
answers 304 only to someone allowed to read it.
"""

from datetime import date
from lxml import html
from pathlib import Path
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import PHUTHO_DEMO_INTEGRATION_TESTING
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.upgrades import v1008_caching
from phutho.intranet.upgrades import v1009
from plone import api
from plone.app.testing import login
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.base.interfaces import IBundleRegistry
from plone.namedfile.file import NamedBlobFile
from plone.registry.interfaces import IRegistry
from plone.resource.caching import UniqueResourceLookup
from zope.component import getGlobalSiteManager
from zope.component import getUtility

import re
import requests
import transaction
import unittest

PDF = (Path(__file__).parent / "fixtures" / "qd15.pdf").read_bytes()
BUNDLE = "plone.bundles/phutho-theme"
ENABLED = "plone.caching.interfaces.ICacheSettings.enabled"
MAPPING = "plone.caching.interfaces.ICacheSettings.operationMapping"


def max_age(response):
    found = re.search(r"max-age=(\d+)", response.headers.get("Cache-Control", ""))
    return int(found.group(1)) if found else None


class TestCachingServer(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.url = self.portal.absolute_url()
        # plone.resource's lookup of hashed resources is registered before
        # plone.caching's default one; a running instance has both in one
        # registry (the more specific wins: checked there), the test layers
        # stack registries (the later wins). Put it back on top.
        gsm = getGlobalSiteManager()
        gsm.registerAdapter(UniqueResourceLookup)
        self.addCleanup(gsm.unregisterAdapter, UniqueResourceLookup)

    def stylesheets(self, response):
        doc = html.fromstring(response.content)
        return [link.get("href") for link in doc.cssselect("link[rel=stylesheet]")]

    def test_the_themes_stylesheet_comes_from_the_registry_with_a_hash(self):
        response = requests.get(self.url, timeout=60)
        self.assertEqual(response.status_code, 200)
        sheets = self.stylesheets(response)
        ours = [s for s in sheets if s.endswith("/++theme++phutho/css/phutho.css")]
        self.assertEqual(len(ours), 1, sheets)
        self.assertEqual(sheets[-1], ours[0], "after Barceloneta's, so it wins")
        self.assertRegex(ours[0], r"/\+\+webresource\+\+[0-9a-f-]{36}/\+\+theme\+\+")
        kept = requests.get(ours[0], timeout=60)
        self.assertEqual(kept.status_code, 200)
        self.assertTrue(kept.headers["Content-Type"].startswith("text/css"))
        self.assertEqual(kept.headers.get("X-Cache-Rule"), "plone.stableResource")
        self.assertEqual(max_age(kept), 31536000, "a year: the address changes")
        plain = requests.get(f"{self.url}/++theme++phutho/css/phutho.css", timeout=60)
        self.assertEqual(max_age(plain), 86400, "a day without the hash")
        self.assertEqual(plain.content, kept.content)

    def test_bundles_are_kept_a_year(self):
        response = requests.get(self.url, timeout=60)
        scripts = html.fromstring(response.content).cssselect("script[src]")
        bundle = next(
            s.get("src") for s in scripts if "++webresource++" in s.get("src")
        )
        self.assertEqual(max_age(requests.get(bundle, timeout=60)), 31536000)

    def test_anonymous_pages_are_kept_in_ram_until_the_catalog_changes(self):
        first = requests.get(self.url, timeout=60)
        etag = first.headers.get("ETag")
        self.assertTrue(etag)
        self.assertIn("max-age=0", first.headers["Cache-Control"])
        again = requests.get(self.url, timeout=60)
        self.assertIn("X-RAMCache", again.headers, "served from the RAM cache")
        self.assertEqual(again.content, first.content)
        revalidated = requests.get(
            self.url, headers={"If-None-Match": etag}, timeout=60
        )
        self.assertEqual(revalidated.status_code, 304)
        # A change anywhere the catalog sees: a new page.
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.content.create(
            container=self.portal, type="Document", title="Lịch tiếp công dân"
        )
        transaction.commit()
        changed = requests.get(self.url, headers={"If-None-Match": etag}, timeout=60)
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed.headers.get("ETag"), etag)
        self.assertNotIn("X-RAMCache", changed.headers)

    def test_pages_of_signed_in_people_are_never_cached(self):
        auth = ("vanthu.sokhcn", DEMO_PASSWORD)
        url = f"{self.url}/co-quan/so-khcn"
        first = requests.get(url, auth=auth, timeout=60)
        self.assertEqual(first.status_code, 200)
        self.assertNotIn("public", first.headers.get("Cache-Control", ""))
        self.assertIn(max_age(first), (None, 0))
        second = requests.get(
            url,
            auth=auth,
            headers={"If-None-Match": first.headers.get("ETag") or "x"},
            timeout=60,
        )
        self.assertEqual(second.status_code, 200, "never 304 for a signed-in page")
        self.assertNotIn("X-RAMCache", second.headers)

    def test_answers_of_the_api_to_signed_in_people_are_private(self):
        """A document's JSON and a search (``plone.content.dynamic``): kept
        by nobody for a signed-in person, ten seconds for anonymous."""
        auth = ("vanthu.sokhcn", DEMO_PASSWORD)
        json = {"Accept": "application/json"}
        for url in (
            f"{self.url}/co-quan/so-khcn",
            f"{self.url}/@search?portal_type=IncomingDocument",
        ):
            with self.subTest(url):
                answer = requests.get(url, auth=auth, headers=json, timeout=60)
                self.assertEqual(answer.status_code, 200)
                control = answer.headers.get("Cache-Control", "")
                self.assertNotIn("public", control)
                self.assertIn(max_age(answer), (None, 0), control)
        anonymous = requests.get(f"{self.url}/@search", headers=json, timeout=60)
        self.assertEqual(anonymous.status_code, 200)
        self.assertEqual(max_age(anonymous), 10, anonymous.headers)

    def test_a_file_answers_304_only_to_its_readers(self):
        login(self.portal, "vanthu.sokhcn")
        doc = create_incoming(
            agency(self.portal, "so-khcn"),
            secrecy="confidential",
            number_symbol="7/BCA-VP",
            document_date=date(2026, 11, 20),
            main_file=NamedBlobFile(PDF, filename="mat.pdf"),
        )
        transaction.commit()
        url = f"{doc.absolute_url()}/@@download/main_file"
        clerk = ("vanthu.sokhcn", DEMO_PASSWORD)
        first = requests.get(url, auth=clerk, timeout=60)
        self.assertEqual(first.status_code, 200)
        self.assertEqual(first.content, PDF)
        modified = first.headers.get("Last-Modified")
        self.assertTrue(modified)
        self.assertNotIn("public", first.headers.get("Cache-Control", ""))
        again = requests.get(
            url, auth=clerk, headers={"If-Modified-Since": modified}, timeout=60
        )
        self.assertEqual(again.status_code, 304)
        for auth in (None, ("lanhdao.stc", DEMO_PASSWORD)):
            other = requests.get(
                url,
                auth=auth,
                headers={"If-Modified-Since": modified},
                allow_redirects=False,
                timeout=60,
            )
            # Anonymous: to the login form; another agency: refused.
            self.assertIn(other.status_code, (302, 401, 403, 404), auth)
            self.assertNotEqual(other.content, PDF)


class TestUpgrade(unittest.TestCase):
    layer = PHUTHO_DEMO_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.registry = getUtility(IRegistry)

    def test_installed_with_the_profile(self):
        self.assertTrue(self.registry[ENABLED])
        self.assertEqual(
            self.registry[MAPPING]["plone.stableResource"],
            "plone.app.caching.strongCaching",
        )
        bundle = self.registry.forInterface(IBundleRegistry, prefix=BUNDLE)
        self.assertEqual(bundle.csscompilation, "++theme++phutho/css/phutho.css")
        self.assertEqual(bundle.depends, "all")
        setup = api.portal.get_tool("portal_setup")
        self.assertNotEqual(
            setup.getLastVersionForProfile("plone.app.caching:default"), "unknown"
        )

    def test_upgrade_from_1007(self):
        """A 1007 site: no bundle, caching off and unmapped; a webmaster's
        setting elsewhere stays."""
        for name in list(self.registry.records.keys()):
            if name.startswith(BUNDLE + "."):
                del self.registry.records[name]
        self.registry[ENABLED] = False
        self.registry[MAPPING] = {}
        self.registry["plone.app.caching.strongCaching.plone.stableResource.maxage"] = 5
        self.registry["plone.smtp_host"] = "smtp.tinh.phutho.gov.vn"
        v1008_caching.caching_and_resources()
        self.assertTrue(self.registry[ENABLED])
        self.assertEqual(
            self.registry[MAPPING]["plone.content.folderView"],
            "plone.app.caching.weakCaching",
        )
        self.assertEqual(
            self.registry[
                "plone.app.caching.strongCaching.plone.stableResource.maxage"
            ],
            31536000,
        )
        bundle = self.registry.forInterface(IBundleRegistry, prefix=BUNDLE)
        self.assertTrue(bundle.enabled)
        self.assertEqual(self.registry["plone.smtp_host"], "smtp.tinh.phutho.gov.vn")

    def test_upgrade_from_1008(self):
        """A 1008 site's dynamic answers had a shared maximum age of 0."""
        name = "plone.app.caching.terseCaching.plone.content.dynamic.smaxage"
        self.registry[name] = 0
        self.registry["plone.smtp_host"] = "smtp.tinh.phutho.gov.vn"
        v1009.private_dynamic_answers()
        self.assertEqual(self.registry[name], 10)
        self.assertEqual(self.registry["plone.smtp_host"], "smtp.tinh.phutho.gov.vn")

    def test_upgrade_step_registered(self):
        setup = api.portal.get_tool("portal_setup")
        steps = setup.listUpgrades("phutho.intranet:default", show_old=True)
        flat = []
        for step in steps:
            flat.extend(step if isinstance(step, list) else [step])
        ours = [(s["source"], s["dest"]) for s in flat if "Caching" in s["title"]]
        self.assertEqual(ours, [(("1007",), ("1008",)), (("1008",), ("1009",))])
