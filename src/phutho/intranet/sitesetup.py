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


def configure_mail(
    site, host=None, port=None, from_address=None, from_name=None, public_url=None
):
    """Write the SMTP settings that were given; leave the others alone.
    ``public_url`` (the site's address in mails) is only set when empty."""
    registry = api.portal.get_tool("portal_registry")
    if host:
        registry["plone.smtp_host"] = host
    if port:
        registry["plone.smtp_port"] = int(port)
    if from_address:
        registry["plone.email_from_address"] = from_address
    if from_name:
        registry["plone.email_from_name"] = from_name
    record = "phutho.intranet.mail.public_url"
    if public_url and record in registry and not registry[record]:
        registry[record] = public_url
    # Mail leaves through the instance's persistent queue (var/…/mailqueue).
    from phutho.intranet.mail.send import configure_site_queue

    configure_site_queue(site)


def demo_installed(site):
    setup = api.portal.get_tool("portal_setup")
    return setup.getLastVersionForProfile(DEMO_PROFILE) != "unknown"


def ensure_site(app, site_id=SITE_ID, demo=True, mail=None, mailin=None):
    """Return ``(site, created)``, creating and configuring what is missing.

    :param demo: apply the demo profile once (never on production).
    :param mail: dict of :func:`configure_mail` arguments.
    :param mailin: dict of ``ensure_ingester_config`` arguments (the
        ingester's config file and service account), or None.
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
    if mailin:
        from phutho.intranet.mail.account import ensure_ingester_config

        ensure_ingester_config(**mailin)
    transaction.commit()
    return site, created
