"""The ingester's only way into the portal: its REST API.

Answers are sorted into three outcomes the mail side understands:
accepted (201 created, 200 already there), :class:`PermanentFailure`
(the portal will never take this message: unknown recipient, too large,
nothing usable) and :class:`TemporaryFailure` (try again later: portal
unreachable, timeout, conflict, 5xx, wrong service credentials — a
misconfiguration must not lose mail).
"""

import logging
import requests
import threading
import time

logger = logging.getLogger("phutho.intranet.mailin")


class TemporaryFailure(Exception):
    """Try again later (SMTP 4xx; IMAP: leave the message)."""


class PermanentFailure(Exception):
    """Never deliverable (SMTP 5xx; IMAP: to the error folder)."""

    def __init__(self, kind, message, smtp_code="550 5.7.1"):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.smtp_code = smtp_code


# The portal's refusal types and the SMTP replies that say them.
SMTP_CODES = {
    "UnknownRecipient": "550 5.1.1",
    "TooLarge": "552 5.3.4",
    "NoContent": "554 5.6.0",
    "Unusable": "554 5.6.0",
    "BadRequest": "554 5.6.0",
}


# Answers worth a second try at once: the portal was busy (a conflict Zope
# could not resolve by its own retries answers 503).
RETRY_STATUSES = (409, 429, 502, 503, 504)
RETRY_DELAYS = (0.5, 1.0, 2.0)


class PortalClient:
    """``POST``/``GET /@mail-in`` with the service account's Basic auth.

    At most ``parallel`` deliveries run at once: documents of one agency
    and month land in one folder, so parallel deliveries mostly conflict
    with each other (and are retried) rather than go faster. A busy answer
    is retried a few times before the mail is deferred.
    """

    def __init__(self, url, user, password, timeout=120.0, parallel=1):
        if not url:
            raise ValueError("The portal URL is required")
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.auth = (user, password) if user else None
        self.session.headers["Accept"] = "application/json"
        self.timeout = timeout
        self._slots = threading.BoundedSemaphore(max(1, int(parallel)))

    def _error(self, response):
        try:
            error = response.json().get("error") or {}
        except ValueError:
            error = {}
        return error.get("type") or "Error", error.get("message") or response.reason

    def _check(self, response):
        if response.status_code in (200, 201):
            return response.json()
        kind, message = self._error(response)
        if response.status_code in (400, 404, 413, 422):
            raise PermanentFailure(kind, message, SMTP_CODES.get(kind, "554 5.6.0"))
        if response.status_code in (401, 403):
            logger.error("The portal refuses the service account: %s", message)
        raise TemporaryFailure(f"portal answered {response.status_code}: {message}")

    def check_recipient(self, address):
        """The agency of a document mailbox; PermanentFailure when none."""
        try:
            response = self.session.get(
                f"{self.url}/@mail-in",
                params={"address": address},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise TemporaryFailure(f"portal unreachable: {error}") from error
        return self._check(response)

    def deliver(self, raw, recipients, sender=""):
        """Hand ``raw`` to the portal; its answer when accepted."""
        headers = {
            "Content-Type": "message/rfc822",
            "X-Mailin-Recipients": ", ".join(recipients),
            "X-Mailin-Sender": sender or "",
        }
        for delay in (*RETRY_DELAYS, None):
            try:
                with self._slots:
                    response = self.session.post(
                        f"{self.url}/@mail-in",
                        data=raw,
                        headers=headers,
                        timeout=self.timeout,
                    )
            except requests.RequestException as error:
                raise TemporaryFailure(f"portal unreachable: {error}") from error
            if response.status_code not in RETRY_STATUSES or delay is None:
                return self._check(response)
            logger.info("Portal busy (%s); trying again", response.status_code)
            time.sleep(delay)
