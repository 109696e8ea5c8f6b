"""Polling agency mailboxes over IMAP.

Each message of the watched folder is handed to the portal; once the portal
answered 201/200 it moves to the done folder. A message the portal refuses
for good (or one over the size limit, which is not even downloaded) moves
to the error folder, next to a short report saying why. When the portal is
unreachable the message stays where it is and the next poll tries again;
if the move after a successful delivery fails, the next poll delivers it
again and the portal answers 200 (already there): never twice, never lost.
"""

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from email.utils import make_msgid
from imapclient import IMAPClient
from phutho.intranet.mailin.charsets import decode_header_value
from phutho.intranet.mailin.client import PermanentFailure
from phutho.intranet.mailin.client import TemporaryFailure

import datetime
import email
import email.policy
import logging
import time

logger = logging.getLogger("phutho.intranet.mailin")


@dataclass
class MailboxConfig:
    """One watched mailbox (a ``[imap:<name>]`` section of the config)."""

    name: str
    host: str
    user: str
    password: str
    address: str  # the agency's document mailbox these messages were sent to
    port: int = 993
    ssl: bool = True
    folder: str = "INBOX"
    done_folder: str = "Processed"
    error_folder: str = "Errors"
    interval: float = 60.0
    timeout: float = 60.0


def _move(imap, uids, folder):
    if imap.has_capability("MOVE"):
        imap.move(uids, folder)
    else:
        imap.copy(uids, folder)
        imap.delete_messages(uids)
        imap.expunge(uids)


def _message_id(original_headers):
    """The Message-ID of a message's headers, for the log line."""
    headers = email.message_from_bytes(original_headers, policy=email.policy.compat32)
    return (headers.get("Message-ID") or "(no Message-ID)").strip()


def _report(original_headers, reason, mailbox):
    """A short message explaining a refusal, for the error folder."""
    headers = email.message_from_bytes(original_headers, policy=email.policy.compat32)
    subject = decode_header_value(headers.get("Subject")) or "(no subject)"
    report = EmailMessage(policy=email.policy.SMTP)
    report["Subject"] = f"[phutho-mailin] Refused: {subject}"[:300]
    report["From"] = f"phutho-mailin <{mailbox.address}>"
    report["To"] = mailbox.address
    report["Date"] = format_datetime(datetime.datetime.now(datetime.timezone.utc))
    report["Message-ID"] = make_msgid("phutho-mailin-report")
    report.set_content(
        "The document portal did not accept this message; it was moved to "
        f"the folder {mailbox.error_folder}.\n\n"
        f"Reason: {reason}\n"
        f"Message-ID: {headers.get('Message-ID') or '(none)'}\n"
        f"From: {decode_header_value(headers.get('From'))}\n"
        f"Subject: {subject}\n"
    )
    return report.as_bytes()


def poll_once(mailbox, client, max_size):
    """Process every message of ``mailbox``'s folder once.

    Returns ``{"delivered", "refused", "deferred"}`` counts. Stops at the
    first temporary failure (the portal is down: the rest would fail too).
    """
    counts = {"delivered": 0, "refused": 0, "deferred": 0}
    with IMAPClient(
        mailbox.host, port=mailbox.port, ssl=mailbox.ssl, timeout=mailbox.timeout
    ) as imap:
        imap.login(mailbox.user, mailbox.password)
        for folder in (mailbox.done_folder, mailbox.error_folder):
            if not imap.folder_exists(folder):
                imap.create_folder(folder)
        imap.select_folder(mailbox.folder)
        uids = imap.search(["NOT", "DELETED"])
        for uid in uids:
            info = imap.fetch([uid], ["RFC822.SIZE", "BODY.PEEK[HEADER]"]).get(uid)
            if info is None:
                continue
            size = info.get(b"RFC822.SIZE", 0)
            headers = info.get(b"BODY[HEADER]", b"")
            if size > max_size:
                reason = f"552 5.3.4 message of {size} bytes exceeds {max_size}"
                imap.append(mailbox.error_folder, _report(headers, reason, mailbox))
                _move(imap, [uid], mailbox.error_folder)
                counts["refused"] += 1
                logger.info(
                    "%s: message %s %s refused: %s",
                    mailbox.name,
                    uid,
                    _message_id(headers),
                    reason,
                )
                continue
            raw = imap.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
            try:
                answer = client.deliver(raw, [mailbox.address])
            except PermanentFailure as failure:
                reason = f"{failure.smtp_code} {failure.message}"
                imap.append(mailbox.error_folder, _report(headers, reason, mailbox))
                _move(imap, [uid], mailbox.error_folder)
                counts["refused"] += 1
                logger.info(
                    "%s: message %s %s refused: %s",
                    mailbox.name,
                    uid,
                    _message_id(headers),
                    reason,
                )
                continue
            except TemporaryFailure as failure:
                counts["deferred"] += (
                    len(uids) - counts["delivered"] - counts["refused"]
                )
                logger.warning(
                    "%s: message %s %s deferred (left in %s): %s",
                    mailbox.name,
                    uid,
                    _message_id(headers),
                    mailbox.folder,
                    failure,
                )
                break
            imap.add_flags([uid], [b"\\Seen"])
            _move(imap, [uid], mailbox.done_folder)
            counts["delivered"] += 1
            logger.info(
                "%s: message %s %s accepted: %d created, %d already there",
                mailbox.name,
                uid,
                _message_id(headers),
                len(answer.get("created") or ()),
                len(answer.get("duplicates") or ()),
            )
    if any(counts.values()):
        logger.info("%s: %s", mailbox.name, counts)
    return counts


def poll_forever(mailbox, client, max_size, stop):
    """Poll ``mailbox`` every ``interval`` seconds until ``stop`` is set."""
    while not stop.is_set():
        started = time.monotonic()
        try:
            poll_once(mailbox, client, max_size)
        except Exception as error:
            logger.warning("%s: polling failed: %s", mailbox.name, error)
        stop.wait(max(0.0, mailbox.interval - (time.monotonic() - started)))
