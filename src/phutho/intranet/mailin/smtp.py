"""The SMTP/LMTP listener the province's mail server relays to.

Recipients are checked at RCPT time (550 for an address no agency has);
the data is handed to the portal and acknowledged with 250 only once the
portal answered 201/200, i.e. after the document was committed. Anything
the portal may accept later gets 451, so the relay keeps the message and
retries; what it will never accept gets a 5xx reply with the reason.
"""

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from phutho.intranet.mailin.client import PermanentFailure
from phutho.intranet.mailin.client import TemporaryFailure

import asyncio
import logging

logger = logging.getLogger("phutho.intranet.mailin")


def _reply(text):
    """One line, ASCII (reasons come from the portal in any language)."""
    text = " ".join(str(text).split())
    return text.encode("ascii", "replace").decode("ascii")[:400]


class MailInHandler:
    """aiosmtpd handler delivering each message through :class:`PortalClient`."""

    def __init__(self, client, lmtp=False):
        self.client = client
        self.lmtp = lmtp

    async def _call(self, func, *args):
        return await asyncio.get_running_loop().run_in_executor(None, func, *args)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        try:
            await self._call(self.client.check_recipient, address)
        except PermanentFailure as failure:
            logger.info("RCPT %s refused: %s", address, failure.message)
            return _reply(f"{failure.smtp_code} <{address}>: {failure.message}")
        except TemporaryFailure as failure:
            logger.warning("RCPT %s deferred: %s", address, failure)
            return "451 4.4.0 The document portal is unavailable; try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        recipients = list(envelope.rcpt_tos)
        try:
            answer = await self._call(
                self.client.deliver, raw, recipients, envelope.mail_from or ""
            )
        except PermanentFailure as failure:
            logger.info(
                "Refused mail from %s to %s: %s",
                envelope.mail_from,
                recipients,
                failure.message,
            )
            status = _reply(f"{failure.smtp_code} {failure.message}")
        except TemporaryFailure as failure:
            logger.warning(
                "Deferred mail from %s to %s: %s",
                envelope.mail_from,
                recipients,
                failure,
            )
            status = (
                "451 4.3.0 The document portal could not take the message now; "
                "try again later"
            )
        except Exception:
            logger.exception(
                "Mail from %s to %s failed", envelope.mail_from, recipients
            )
            status = "451 4.3.0 Temporary failure; try again later"
        else:
            created = len(answer.get("created") or ())
            logger.info(
                "Accepted mail from %s to %s: %d created, %d already there",
                envelope.mail_from,
                recipients,
                created,
                len(answer.get("duplicates") or ()),
            )
            status = f"250 2.0.0 Accepted ({created} new document(s))"
        if self.lmtp:
            # LMTP answers once per recipient; one transaction took them all.
            return "\r\n".join([status] * max(len(recipients), 1))
        return status


def make_server_factory(handler, max_size, lmtp=False, hostname=None):
    """A factory of SMTP (or LMTP) protocol instances for ``loop.create_server``."""
    protocol = LMTP if lmtp else SMTP

    def factory():
        return protocol(
            handler,
            data_size_limit=max_size,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=hostname,
            ident="phutho-mailin",
        )

    return factory


async def serve(client, host, port, max_size, lmtp=False):
    """Start listening; returns the asyncio server."""
    handler = MailInHandler(client, lmtp=lmtp)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        make_server_factory(handler, max_size, lmtp=lmtp), host=host, port=port
    )
    logger.info(
        "Listening for %s on %s:%s (messages up to %d bytes)",
        "LMTP" if lmtp else "SMTP",
        host,
        port,
        max_size,
    )
    return server
