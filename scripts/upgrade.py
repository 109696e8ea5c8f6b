"""Run the pending upgrade steps of phutho.intranet on a site, then commit.

    .venv/bin/zconsole run var/instance/etc/zope.conf scripts/upgrade.py

SITE_ID chooses the site ("Plone" by default). Prints the profile version
before and after; exits non-zero (committing nothing) if a step fails.
"""

from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SpecialUsers import system
from zope.component.hooks import setSite

import os
import transaction

PROFILE = "phutho.intranet:default"


def main(app):
    site = app[os.environ.get("SITE_ID", "Plone")]
    setSite(site)
    newSecurityManager(None, system)  # a maintenance run, as Zope's own
    setup = site.portal_setup
    before = setup.getLastVersionForProfile(PROFILE)
    try:
        setup.upgradeProfile(PROFILE)
    except Exception:
        transaction.abort()
        raise
    transaction.get().note(f"Upgrade {PROFILE}")
    transaction.commit()
    print(
        f"{PROFILE}: {'.'.join(before)} -> {'.'.join(setup.getLastVersionForProfile(PROFILE))}"
    )


main(app)  # noqa: F821 -- zconsole binds ``app``
app._p_jar.db().close()  # noqa: F821 -- keep FileStorage's index
