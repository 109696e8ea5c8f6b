"""Where the exchange reads its configuration: the registry first, then
the environment (for values an instance sets outside the site)."""

from plone import api
from plone.api.exc import CannotGetPortalError
from plone.api.exc import InvalidParameterError
from zope import schema
from zope.interface import Interface

import os

PREFIX = "phutho.intranet.exchange"


def setting(name, env=None):
    """The registry record ``phutho.intranet.exchange.<name>`` when set,
    else the environment variable ``env``, else None."""
    try:
        value = api.portal.get_registry_record(f"{PREFIX}.{name}", default=None)
    except (CannotGetPortalError, InvalidParameterError):
        value = None
    if value in (None, "") and env:
        value = os.environ.get(env) or None
    return value


def exchange_directory():
    """Root of the directory-drop transport (one folder per agency below
    it, named by OrganId), or None when the transport is off."""
    return setting("directory", "PHUTHO_EXCHANGE_DIR")


class IExchangeSettings(Interface):
    """Registry records ``phutho.intranet.exchange.*`` (Site Setup >
    Configuration Registry); the environment variables named in each
    description apply when a record is empty."""

    directory = schema.TextLine(
        title="Exchange directory",
        description="Root of the directory-drop transport: one folder per "
        "agency below it, named by OrganId (PHUTHO_EXCHANGE_DIR).",
        required=False,
    )
    max_message_mb = schema.Int(
        title="Largest message accepted (MB)",
        description="PHUTHO_EXCHANGE_MAX_MESSAGE_MB; default 50.",
        required=False,
    )
    max_attachment_mb = schema.Int(
        title="Largest attachment accepted, decoded and unzipped (MB)",
        description="PHUTHO_EXCHANGE_MAX_ATTACHMENT_MB; default 30.",
        required=False,
    )
    signing_key = schema.TextLine(
        title="Signing key (PEM file)",
        description="PHUTHO_EXCHANGE_SIGNING_KEY; with signing_certificate.",
        required=False,
    )
    signing_certificate = schema.TextLine(
        title="Signing certificate (PEM file)",
        description="PHUTHO_EXCHANGE_SIGNING_CERT.",
        required=False,
    )
    signing_pkcs12 = schema.TextLine(
        title="Signing key and certificate (PKCS#12 file)",
        description="PHUTHO_EXCHANGE_SIGNING_PKCS12; the password only from "
        "PHUTHO_EXCHANGE_SIGNING_PASSWORD.",
        required=False,
    )
    trusted_ca = schema.TextLine(
        title="Trusted CA certificates (PEM file)",
        description="Received signatures are checked against it "
        "(PHUTHO_EXCHANGE_TRUSTED_CA).",
        required=False,
    )
