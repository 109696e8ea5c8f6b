"""Test layers of phutho.intranet.

PHUTHO_INTRANET_*: the add-on installed in an empty Plone site.
PHUTHO_DEMO_*: the same with the demo profile (agencies, units, people).
*_FUNCTIONAL_TESTING layers give each test its own DemoStorage, so code
that commits is safe there; *_SERVER layers also serve the site through a
real WSGI server (waitress) on loopback.
"""

from plone.app.testing import applyProfile
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PLONE_FIXTURE
from plone.app.testing import PloneSandboxLayer
from plone.testing.zope import WSGI_SERVER_FIXTURE

import os
import requests
import transaction

os.environ.setdefault("zope_i18n_compile_mo_files", "true")
os.environ.setdefault("zope_i18n_allowed_languages", "vi en")

DEMO_PASSWORD = "PhuTho@2026"


def commit_layer_setup():
    """Commit a layer's setup while the site is still set.

    plone.testing's ``zopeApp`` loses an exception raised by the commit it
    makes after ``setUpPloneSite`` (and after the site hook is gone): the
    layer then came up empty and its tests failed far from the cause.
    Committing here makes such a failure fail the layer.
    """
    transaction.commit()


class PhuthoIntranetLayer(PloneSandboxLayer):
    defaultBases = (PLONE_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        # Test layers disable autoinclude: load our dependencies explicitly.
        import collective.easyform
        import phutho.intranet
        import plone.classicui
        import plone.restapi

        # The classic distribution, for the site-creation script.
        self.loadZCML(package=plone.classicui)
        self.loadZCML(package=plone.restapi)
        self.loadZCML(package=collective.easyform)
        self.loadZCML(package=phutho.intranet)

    def setUpPloneSite(self, portal):
        applyProfile(portal, "phutho.intranet:default")
        commit_layer_setup()


PHUTHO_INTRANET_FIXTURE = PhuthoIntranetLayer()


class PhuthoDemoLayer(PloneSandboxLayer):
    defaultBases = (PHUTHO_INTRANET_FIXTURE,)

    def setUpPloneSite(self, portal):
        applyProfile(portal, "phutho.intranet:demo")
        commit_layer_setup()


PHUTHO_DEMO_FIXTURE = PhuthoDemoLayer()

PHUTHO_INTRANET_INTEGRATION_TESTING = IntegrationTesting(
    bases=(PHUTHO_INTRANET_FIXTURE,), name="PhuthoIntranet:Integration"
)
PHUTHO_INTRANET_FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(PHUTHO_INTRANET_FIXTURE,), name="PhuthoIntranet:Functional"
)
PHUTHO_DEMO_INTEGRATION_TESTING = IntegrationTesting(
    bases=(PHUTHO_DEMO_FIXTURE,), name="PhuthoDemo:Integration"
)
PHUTHO_DEMO_FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(PHUTHO_DEMO_FIXTURE,), name="PhuthoDemo:Functional"
)
PHUTHO_DEMO_SERVER_TESTING = FunctionalTesting(
    bases=(PHUTHO_DEMO_FIXTURE, WSGI_SERVER_FIXTURE), name="PhuthoDemo:Server"
)


class RestSession(requests.Session):
    """A requests session whose URLs are relative to the site, speaking JSON.

    Like ``plone.restapi.testing.RelativeSession``, without importing the
    robot-framework stack that module pulls in.
    """

    def __init__(self, portal_url, auth=None):
        super().__init__()
        self.portal_url = portal_url.rstrip("/")
        self.headers.update({"Accept": "application/json"})
        if auth:
            self.auth = auth

    def request(self, method, url, **kwargs):
        if not url.startswith("http"):
            url = f"{self.portal_url}/{url.lstrip('/')}"
        return super().request(method, url, **kwargs)


# The demo people of Sở KH&CN who take a draft of its "cntt" unit along.
OUTGOING_TO_SIGNED = (
    ("chuyenvien.sokhcn", "submit_for_review"),
    ("truongphong.sokhcn", "submit_for_signature"),
    ("lanhdao.sokhcn", "sign"),
)
OUTGOING_TO_ISSUED = (*OUTGOING_TO_SIGNED, ("vanthu.sokhcn", "issue"))


def run_transitions(portal, document, steps):
    """Do each ``(user id, transition)`` of ``steps`` as that user."""
    from phutho.intranet.workflow.api import do_transition
    from plone.app.testing import login

    for user_id, transition in steps:
        login(portal, user_id)
        do_transition(document, transition)


def signed_in_browser(app, user_id=None, handle_errors=False):
    """A zope.testbrowser on ``app`` signed in as a demo user (anonymous
    without one). Errors raise unless ``handle_errors``."""
    from plone.testing.zope import Browser

    browser = Browser(app)
    browser.handleErrors = handle_errors
    if user_id:
        browser.addHeader("Authorization", f"Basic {user_id}:{DEMO_PASSWORD}")
    return browser


def agency(portal, agency_id):
    """A demo agency, e.g. ``agency(portal, "so-khcn")``."""
    return portal["co-quan"][agency_id]


def create_incoming(agency_obj, **fields):
    """Create an incoming document in ``agency_obj`` as the current user
    (unrestricted: tests call it as Manager or a clerk)."""
    from datetime import date
    from phutho.intranet.content.storage import add_document

    values = dict(
        title="Về việc triển khai chữ ký số",
        document_type="cong-van",
        sender_name="Bộ Thông tin và Truyền thông",
        # Its code until it joined the Ministry of Science and Technology
        # (2025); 000.00.00.G22 is Văn phòng Chính phủ's.
        sender_organ_id="000.00.00.G14",
        number_symbol="125/BTTTT-CĐSQG",
        document_date=date(2026, 11, 20),
    )
    values.update(fields)
    return add_document(agency_obj, "IncomingDocument", **values)


def create_outgoing(agency_obj, unit_id, **fields):
    """Create an outgoing draft of ``unit_id`` in ``agency_obj``."""
    from phutho.intranet.content.storage import add_document

    values = dict(
        title="Về việc báo cáo tình hình ứng dụng công nghệ thông tin",
        document_type="cong-van",
        drafting_unit=agency_obj[unit_id].UID(),
        content="Nội dung dự thảo.",
    )
    values.update(fields)
    return add_document(agency_obj, "OutgoingDocument", **values)
