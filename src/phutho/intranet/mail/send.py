"""Sending through the site's MailHost, queued, after the transaction.

:func:`send` is the one way our code sends mail. MailHost writes the message
into the queue when the transaction commits (nothing for an aborted one);
the queue thread of :mod:`phutho.intranet.mail.queue` delivers it.
"""

from email.utils import formataddr
from phutho.intranet.mail.compose import as_bytes
from phutho.intranet.mail.queue import configure_mailhost
from phutho.intranet.mail.queue import configured_queue_directory
from phutho.intranet.mail.queue import ensure_processor
from phutho.intranet.mail.queue import stop_processor
from phutho.intranet.mail.sent import RefusalRecorder
from plone import api
from zope.component.hooks import getSite
from zope.component.hooks import setSite

import logging

logger = logging.getLogger("phutho.intranet.mail")


def site_sender():
    """``(name, address)`` of the site (Site Setup → Mail)."""
    name = api.portal.get_registry_record("plone.email_from_name", default="") or ""
    address = api.portal.get_registry_record("plone.email_from_address", default="")
    return name, address or "noreply@localhost"


def start_queue(site):
    """Start the queue thread of ``site``'s MailHost (with the refusal
    recorder) unless it runs; returns the thread or None."""
    mailhost = getattr(site, "MailHost", None)
    if mailhost is None or not getattr(mailhost, "smtp_queue", False):
        return None
    jar = getattr(site, "_p_jar", None)
    report = RefusalRecorder(jar.db(), site.getPhysicalPath()) if jar else None
    return ensure_processor(mailhost, report=report)


def send(msg):
    """Queue ``msg`` (an ``EmailMessage``) for sending at commit; returns
    its Message-ID."""
    site = api.portal.get()
    mailhost = api.portal.get_tool("MailHost")
    if not mailhost.smtp_queue:
        # Still after commit, but lost if the relay is down at that moment.
        logger.warning("MailHost has no queue; sending at commit without one")
    else:
        start_queue(site)
    # Envelope and headers as single lines: MailHost writes them into the
    # queue file's first lines, and a folded (long, encoded) name would
    # break them.
    mfrom = _one_line(msg["From"].addresses[0])
    mto = [_one_line(a) for a in msg["To"].addresses]
    mailhost.send(as_bytes(msg), mto=mto, mfrom=mfrom, charset="utf-8", immediate=False)
    return msg["Message-ID"]


def _one_line(address):
    return formataddr((address.display_name, address.addr_spec), charset="utf-8")


def _plone_sites(app):
    for obj in app.objectValues():
        if getattr(obj, "portal_type", None) == "Plone Site":
            yield obj


def on_database_opened(event):
    """At process start: point each site's MailHost at the configured queue
    directory's thread and start it, so mail queued before a restart (or
    while the relay was down) leaves without waiting for a new one."""
    from Testing.makerequest import makerequest

    import transaction

    db = event.database
    connection = db.open()
    previous = getSite()
    try:
        app = makerequest(connection.root()["Application"])
        directory = configured_queue_directory()
        for site in _plone_sites(app):
            mailhost = getattr(site, "MailHost", None)
            if mailhost is None:
                continue
            setSite(site)
            if directory and (
                not mailhost.smtp_queue or mailhost.smtp_queue_directory != directory
            ):
                # The database says otherwise: the site setup (make run)
                # writes it; here we only tell.
                logger.warning(
                    "Site %s queues to %r, zope.conf says %r",
                    site.getId(),
                    mailhost.smtp_queue_directory if mailhost.smtp_queue else None,
                    directory,
                )
            start_queue(site)
    except Exception:
        logger.exception("Could not start the mail queue")
    finally:
        setSite(previous)
        transaction.abort()
        connection.close()


def on_mail_settings_changed(event):
    """SMTP settings changed in Site Setup → Mail: restart the queue thread
    so that it sends with them."""
    name = getattr(event.record, "__name__", "") or ""
    if not name.startswith("plone.smtp_"):
        return
    site = getSite()
    mailhost = getattr(site, "MailHost", None)
    if mailhost is not None and mailhost.smtp_queue:
        stop_processor(mailhost)
        start_queue(site)


def configure_site_queue(site, directory=None):
    """Site setup: queue ``site``'s mail to ``directory`` (default: the
    configured one); returns the directory or None."""
    directory = directory or configured_queue_directory()
    if not directory:
        return None
    configure_mailhost(site.MailHost, directory)
    return directory
