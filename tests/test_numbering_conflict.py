"""A conflict Zope cannot resolve by retrying answers 503, never 500.

The counter is made to conflict on every attempt (a stand-in for extreme
contention; tests/test_operations_scaleout.py races real processes), and
the register transition is sent through a real HTTP server: as JSON over
the REST API and as the page form a clerk submits. Zope retries the
request as configured; then the person gets 503 with Retry-After and a
Vietnamese message, and nothing is numbered or changed.
"""

from phutho.intranet.numbering import counter
from phutho.intranet.numbering.api import last_number
from phutho.intranet.testing import agency
from phutho.intranet.testing import create_incoming
from phutho.intranet.testing import DEMO_PASSWORD
from phutho.intranet.testing import PHUTHO_DEMO_SERVER_TESTING
from phutho.intranet.testing import RestSession
from plone import api
from plone.app.testing import login
from ZODB.POSException import ConflictError
from ZPublisher.HTTPRequest import HTTPRequest

import logging
import random
import requests
import transaction
import unittest

VIETNAMESE = "Không có gì được lưu"


class LogLines(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


class TestConflictAnswers503(unittest.TestCase):
    layer = PHUTHO_DEMO_SERVER_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.agency = agency(self.portal, "so-khcn")
        login(self.portal, "vanthu.sokhcn")
        self.doc = create_incoming(self.agency, number_symbol="501/BKHCN-VP")
        self.register = self.agency["so-den"]
        self.before = last_number(self.register)
        transaction.commit()
        self.attempts = 0

        take = counter.RegisterCounter.take

        def always_conflicts(this):
            """Take the number, and have the commit refused as the storage
            refuses the second of two transactions that took one."""
            self.attempts += 1

            def refuse():
                raise ConflictError(object=this)

            transaction.get().addBeforeCommitHook(refuse)
            return take(this)

        self.patch(counter.RegisterCounter, "take", always_conflicts)
        self.patch(HTTPRequest, "retry_max_count", 2)
        # Zope pauses up to 2**n seconds before retry n: not in a test.
        self.patch(random, "uniform", lambda a, b: 0)
        self.log = LogLines()
        logger = logging.getLogger("phutho.intranet.conflict")
        logger.addHandler(self.log)
        self.addCleanup(logger.removeHandler, self.log)

    def patch(self, owner, name, value):
        original = owner.__dict__[name] if name in owner.__dict__ else None
        setattr(owner, name, value)
        if original is None:
            self.addCleanup(delattr, owner, name)
        else:
            self.addCleanup(setattr, owner, name, original)

    def assert_nothing_changed(self):
        transaction.begin()  # see what the server committed
        self.assertEqual(api.content.get_state(self.doc), "received")
        self.assertIsNone(self.doc.arrival_number)
        self.assertEqual(last_number(self.register), self.before)
        # The first attempt and Zope's two retries, each refused; one 503.
        self.assertEqual(self.attempts, 3)
        self.assertEqual(
            len([line for line in self.log.lines if "answered 503" in line]), 1
        )

    def test_rest_api_answers_503_json(self):
        session = RestSession(
            self.portal.absolute_url(), auth=("vanthu.sokhcn", DEMO_PASSWORD)
        )
        self.addCleanup(session.close)
        response = session.post(
            f"{self.doc.absolute_url()}/@workflow/register",
            json={"register": self.register.UID()},
        )
        self.assertEqual(response.status_code, 503, response.text[:1000])
        self.assertEqual(response.headers["Retry-After"], "5")
        self.assertTrue(response.headers["Content-Type"].startswith("application/json"))
        error = response.json()["error"]
        self.assertEqual(error["type"], "ConflictError")
        self.assertIn(VIETNAMESE, error["message"])
        self.assertEqual(error["retry_after"], 5)
        self.assert_nothing_changed()

    def test_api_traversal_answers_503_json(self):
        url = self.doc.absolute_url().replace(
            self.portal.absolute_url(), f"{self.portal.absolute_url()}/++api++"
        )
        response = requests.post(
            f"{url}/@workflow/register",
            json={"register": self.register.UID()},
            auth=("vanthu.sokhcn", DEMO_PASSWORD),
            timeout=60,
        )
        self.assertEqual(response.status_code, 503, response.text[:1000])
        self.assertIn(VIETNAMESE, response.json()["error"]["message"])
        self.assert_nothing_changed()

    def test_page_answers_503_page(self):
        """The clerk's form: a page in the portal, in Vietnamese."""
        session = requests.Session()
        self.addCleanup(session.close)
        session.auth = ("vanthu.sokhcn", DEMO_PASSWORD)
        form_url = f"{self.doc.absolute_url()}/@@transition"
        form = session.get(form_url, params={"workflow_action": "register"}, timeout=60)
        self.assertEqual(form.status_code, 200)
        token = form.text.split('name="_authenticator" value="', 1)[1].split('"', 1)[0]
        response = session.post(
            form_url,
            data={
                "workflow_action": "register",
                "register": self.register.UID(),
                "_authenticator": token,
                "form.submitted": "1",
            },
            timeout=60,
        )
        self.assertEqual(response.status_code, 503, response.text[:2000])
        self.assertEqual(response.headers["Retry-After"], "5")
        self.assertIn("text/html", response.headers["Content-Type"])
        self.assertIn(VIETNAMESE, response.text)
        self.assertIn("<html", response.text)
        self.assertNotIn("ConflictError", response.text)  # no traceback shown
        self.assert_nothing_changed()
