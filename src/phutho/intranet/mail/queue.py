"""The persistent mail queue and the thread that empties it.

Plone's MailHost queues to a Maildir when ``smtp_queue`` is set: the message
file is written when the transaction commits (zope.sendmail's data manager
discards it on abort) and a processor thread sends it, retrying every few
seconds while the relay is unreachable. Files stay in the queue until the
relay accepted them, so a restart loses nothing.

This module points the MailHost at the queue directory of the instance
(``<product-config phutho.intranet> mail-queue …``, written by
``scripts/instance.py``), and runs our own processor thread in place of
MailHost's: the same zope.sendmail thread, whose mailer also reports the
recipients the relay refused, so that an issued document's processing
history shows them (:mod:`phutho.intranet.mail.sent`).
"""

from App.config import getConfiguration
from email.utils import parseaddr
from os.path import realpath
from Products.MailHost import MailHost as mailhost_module
from zope.sendmail.mailer import SMTPMailer
from zope.sendmail.queue import QueueProcessorThread

import logging
import os
import smtplib
import threading

logger = logging.getLogger("phutho.intranet.mail")

QUEUE_ENV = "PHUTHO_MAIL_QUEUE"
QUEUE_CONFIG_KEY = "mail-queue"
INTERVAL_ENV = "PHUTHO_MAIL_QUEUE_INTERVAL"

_lock = threading.Lock()


def configured_queue_directory():
    """The queue directory configured for this process, or None.

    zope.conf's ``<product-config phutho.intranet>`` ``mail-queue`` first,
    then the ``PHUTHO_MAIL_QUEUE`` environment variable, else ``mailqueue``
    in the instance's own data directory (``var/instance/var/mailqueue``
    for ``make run``): each instance has its own queue.
    """
    config = getConfiguration()
    product_config = getattr(config, "product_config", None) or {}
    value = (product_config.get("phutho.intranet") or {}).get(QUEUE_CONFIG_KEY)
    value = value or os.environ.get(QUEUE_ENV)
    if not value and getattr(config, "clienthome", None):
        value = os.path.join(config.clienthome, "mailqueue")
    return value or None


def make_queue_directory(directory):
    """Create the Maildir layout (``new``, ``cur``, ``tmp``) if missing."""
    for sub in ("new", "cur", "tmp"):
        os.makedirs(os.path.join(directory, sub), exist_ok=True)
    return directory


def configure_mailhost(mailhost, directory):
    """Make ``mailhost`` queue to ``directory``; True when it changed."""
    make_queue_directory(directory)
    changed = not mailhost.smtp_queue or (
        realpath(mailhost.smtp_queue_directory or "") != realpath(directory)
    )
    if changed:
        mailhost.smtp_queue = True
        mailhost.smtp_queue_directory = directory
        logger.info("Mail queue: %s", directory)
    return changed


def queue_length(mailhost):
    """Messages waiting in the queue (0 when the MailHost does not queue)."""
    if not mailhost.smtp_queue:
        return 0
    new = os.path.join(mailhost.smtp_queue_directory, "new")
    cur = os.path.join(mailhost.smtp_queue_directory, "cur")
    return sum(
        1
        for folder in (new, cur)
        if os.path.isdir(folder)
        for name in os.listdir(folder)
        if not name.startswith(".")
    )


class ReportingMailer(SMTPMailer):
    """zope.sendmail's SMTP mailer that reports refused recipients.

    ``report(message_bytes, refused)`` is called with ``{address: (code,
    reason)}`` when the relay refuses some or all recipients or the whole
    message; the queue thread then discards the message (5xx) as usual, or
    keeps it for a retry (4xx).
    """

    def __init__(self, report=None, **kwargs):
        # Plone patches SMTPMailer.__init__ to take the host, port and
        # credentials from the registry (Site Setup → Mail): keyword
        # arguments only.
        super().__init__(**kwargs)
        self.report = report

    def _report(self, message, refused):
        if self.report is None or not refused:
            return
        try:
            self.report(message, refused)
        except Exception:
            logger.exception("Could not record a refusal")

    def send(self, fromaddr, toaddrs, message):
        if self.connection is None:
            self.vote(fromaddr, toaddrs, message)
        connection = self.connection
        try:
            if not self.implicit_tls:
                if connection.has_extn("starttls") and not self.no_tls:
                    connection.starttls()
                    connection.ehlo()
                elif self.force_tls:
                    raise RuntimeError("TLS is not available but TLS is required")
            if connection.does_esmtp and self.username and self.password:
                connection.login(self.username, self.password)
            try:
                refused = connection.sendmail(fromaddr, toaddrs, message)
            except smtplib.SMTPRecipientsRefused as error:
                self._report(message, _decoded(error.recipients))
                raise
            except smtplib.SMTPResponseException as error:
                if 500 <= error.smtp_code <= 599:
                    reason = _text(error.smtp_error)
                    self._report(
                        message,
                        {_address(a): (error.smtp_code, reason) for a in toaddrs},
                    )
                raise
            self._report(message, _decoded(refused))
        finally:
            self._close_connection()


def _text(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _address(value):
    """The bare address of an envelope recipient (``Name <a@b>`` → ``a@b``)."""
    return (parseaddr(value)[1] or value).lower()


def _decoded(refused):
    return {
        _address(a): (code, _text(reason))
        for a, (code, reason) in (refused or {}).items()
    }


class QueueProcessor(QueueProcessorThread):
    """zope.sendmail's queue thread, retrying promptly after a failure.

    zope.sendmail marks a message being sent with a ``.sending-`` link and
    leaves the link behind when the attempt fails (relay unreachable, 4xx);
    the message then waits until the link is three hours old. Here a failed
    attempt removes its own link, so the message leaves at the next round
    once the relay is back.
    """

    def __init__(self, interval=3.0):
        super().__init__(interval=interval)
        self.name = "phutho.intranet mail queue"

    def _process_one_file(self, filename):
        head, tail = os.path.split(filename)
        marker = os.path.join(head, ".sending-" + tail)
        ours = not os.path.exists(marker)
        super()._process_one_file(filename)
        if ours and os.path.exists(filename) and os.path.exists(marker):
            # Not sent (the message is still there): try again next round.
            self._unlink_if_exists(marker)


def _interval():
    try:
        return float(os.environ.get(INTERVAL_ENV, "3"))
    except ValueError:
        return 3.0


def processor_for(mailhost):
    """The running processor thread of ``mailhost``'s queue, or None."""
    key = realpath(mailhost.smtp_queue_directory)
    thread = mailhost_module.queue_threads.get(key)
    return thread if thread is not None and thread.is_alive() else None


def ensure_processor(mailhost, report=None):
    """Start the processor thread of ``mailhost``'s queue unless it runs.

    Registered where MailHost looks for its own thread, so MailHost never
    starts a second one for the same directory. ``MAILHOST_QUEUE_ONLY``
    (MailHost's switch for a process that only queues) is honoured. Call it
    with the site as the current site: the mailer reads Site Setup → Mail.
    """
    if not mailhost.smtp_queue or os.environ.get("MAILHOST_QUEUE_ONLY"):
        return None
    with _lock:
        running = processor_for(mailhost)
        if running is not None:
            return running
        make_queue_directory(mailhost.smtp_queue_directory)
        thread = QueueProcessor(interval=_interval())
        thread.setMailer(
            ReportingMailer(
                report=report,
                hostname=mailhost.smtp_host,
                port=int(mailhost.smtp_port or 25),
                username=mailhost.smtp_uid or None,
                password=mailhost.smtp_pwd or None,
                force_tls=getattr(mailhost, "force_tls", False),
            )
        )
        thread.setQueuePath(mailhost.smtp_queue_directory)
        thread.start()
        mailhost_module.queue_threads[realpath(mailhost.smtp_queue_directory)] = thread
        logger.info("Mail queue thread for %s started", mailhost.smtp_queue_directory)
        return thread


def stop_processor(mailhost):
    """Stop the processor thread of ``mailhost``'s queue (if any)."""
    key = realpath(mailhost.smtp_queue_directory or "")
    with _lock:
        thread = mailhost_module.queue_threads.pop(key, None)
    if thread is not None:
        thread.stop()
        thread.join(timeout=30)
        logger.info("Mail queue thread for %s stopped", key)
    return thread is not None
