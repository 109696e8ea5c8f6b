"""1003 → 1004: mail (issue 11).

The profile steps (rolemap: the MailService role and its permissions;
registry: ``phutho.intranet.mail.*``; member properties of the
notification choices) run as ``upgradeDepends``; here only what XML cannot
say: the MailHost queues to the instance's queue directory.
"""

from phutho.intranet.mail.send import configure_site_queue
from plone import api

import logging

logger = logging.getLogger("phutho.intranet.upgrades")


def queue_mail(context):
    """Point the MailHost at the queue directory zope.conf names (if any)."""
    directory = configure_site_queue(api.portal.get())
    if directory:
        logger.info("Mail queued to %s", directory)
    else:
        logger.warning(
            "No mail queue configured (zope.conf product-config phutho.intranet "
            "mail-queue); mail is sent at commit without a queue"
        )
