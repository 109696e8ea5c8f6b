"""Create and configure the portal's Plone site; safe to run again.

Used by ``make run`` (through ``scripts/create_site.py`` under zconsole) and
by the tests. A second run keeps every piece of data it finds: it only
installs what is missing and refreshes the mail settings.
"""

from plone import api
from plone.base.utils import get_installer
from zope.component.hooks import setSite

import logging
import transaction

logger = logging.getLogger("phutho.intranet.sitesetup")

SITE_ID = "Plone"
SITE_TITLE = "Cổng thông tin nội bộ tỉnh Phú Thọ"
SITE_DESCRIPTION = "Quản lý văn bản và điều hành, gửi nhận văn bản, thư điện tử"
LANGUAGE = "vi"
TIMEZONE = "Asia/Ho_Chi_Minh"
DEMO_PROFILE = "phutho.intranet:demo"


def create_site(app, site_id=SITE_ID, title=SITE_TITLE):
    """Create the Plone site with the classic distribution (commits)."""
    from plone.distribution.api import site as site_api

    answers = {
        "site_id": site_id,
        "title": title,
        "description": SITE_DESCRIPTION,
        "default_language": LANGUAGE,
        "portal_timezone": TIMEZONE,
        "setup_content": False,
    }
    return site_api.create(app, "classic", answers)


def configure_mail(site, host=None, port=None, from_address=None, from_name=None):
    """Write the SMTP settings that were given; leave the others alone."""
    registry = api.portal.get_tool("portal_registry")
    if host:
        registry["plone.smtp_host"] = host
    if port:
        registry["plone.smtp_port"] = int(port)
    if from_address:
        registry["plone.email_from_address"] = from_address
    if from_name:
        registry["plone.email_from_name"] = from_name


def demo_installed(site):
    setup = api.portal.get_tool("portal_setup")
    return setup.getLastVersionForProfile(DEMO_PROFILE) != "unknown"


def ensure_site(app, site_id=SITE_ID, demo=True, mail=None):
    """Return ``(site, created)``, creating and configuring what is missing.

    :param demo: apply the demo profile once (never on production).
    :param mail: dict of :func:`configure_mail` arguments.
    """
    site = app.get(site_id)
    created = site is None
    if created:
        logger.info("Creating site %s", site_id)
        site = create_site(app, site_id)
    setSite(site)
    installer = get_installer(site)
    if not installer.is_product_installed("phutho.intranet"):
        logger.info("Installing phutho.intranet")
        installer.install_product("phutho.intranet")
    if demo and not demo_installed(site):
        logger.info("Importing the demo data")
        api.portal.get_tool("portal_setup").runAllImportStepsFromProfile(
            f"profile-{DEMO_PROFILE}"
        )
    configure_mail(site, **(mail or {}))
    transaction.commit()
    return site, created
