"""Size limits of received messages.

Defaults fit the documents agencies exchange (a scanned decision is a few
MB); an administrator raises them in the registry
(``phutho.intranet.exchange.max_message_mb`` and ``max_attachment_mb``)
or the environment (``PHUTHO_EXCHANGE_MAX_MESSAGE_MB``,
``PHUTHO_EXCHANGE_MAX_ATTACHMENT_MB``).
"""

from dataclasses import dataclass
from plone import api
from plone.api.exc import CannotGetPortalError

import os

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What a message may weigh."""

    # The message as received (XML with its base64 attachments).
    message_bytes: int = 50 * MB
    # One attachment once decoded, and once unzipped.
    attachment_bytes: int = 30 * MB
    attachments: int = 100
    # Members of one zipped attachment.
    zip_members: int = 50
    # Text of one element (subject, content, names).
    text_chars: int = 100_000


DEFAULT = Limits()


def _setting(name, env):
    """A size in MB from the registry (when a site is there) or the
    environment, else None."""
    value = os.environ.get(env)
    try:
        record = api.portal.get_registry_record(
            f"phutho.intranet.exchange.{name}", default=None
        )
    except CannotGetPortalError:  # scripts, unit tests of the wire format
        record = None
    value = record or value
    try:
        value = int(value) if value else None
    except ValueError:
        return None
    return value if value and value > 0 else None


def current_limits():
    """The limits in force: configured values over the defaults."""
    message = _setting("max_message_mb", "PHUTHO_EXCHANGE_MAX_MESSAGE_MB")
    attachment = _setting("max_attachment_mb", "PHUTHO_EXCHANGE_MAX_ATTACHMENT_MB")
    return Limits(
        message_bytes=message * MB if message else DEFAULT.message_bytes,
        attachment_bytes=attachment * MB if attachment else DEFAULT.attachment_bytes,
    )
