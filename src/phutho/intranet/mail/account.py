"""The service account of ``phutho-mailin`` and ``phutho-digest``.

A site user holding only the MailService role (site-wide): the permissions
"Receive mail" (``POST /@mail-in``) and "Send mail digest"
(``POST /@mail-digest``), nothing else. It signs in with HTTP Basic auth.
"""

from plone import api

SERVICE_ROLE = "MailService"


def ensure_service_account(user_id, password, email="mailin@localhost.localdomain"):
    """Create the account (or reset its password); returns the member."""
    if not user_id or not password:
        raise ValueError("The service account needs a user id and a password")
    with api.env.adopt_roles(["Manager"]):
        member = api.user.get(userid=user_id)
        if member is None:
            member = api.user.create(
                username=user_id,
                email=email,
                password=password,
                properties={"fullname": "Mail-in service"},
            )
        else:
            api.portal.get_tool("acl_users").userSetPassword(user_id, password)
        api.user.grant_roles(user=member, roles=[SERVICE_ROLE])
    return member


CONFIG_TEMPLATE = """\
# phutho-mailin and phutho-digest (written by the site setup; keep it
# private: it holds the service account's password).
[portal]
url = {url}
user = {user}
password = {password}
timeout = 120

[smtp]
host = {host}
port = {port}
lmtp = false

# IMAP mailboxes to poll, one section each, e.g.:
# [imap:so-khcn]
# host = imap.phutho.gov.vn
# port = 993
# ssl = true
# user = vanthu.sokhcn@phutho.gov.vn
# password = ...
# address = vanthu.sokhcn@phutho.gov.vn
# folder = INBOX
# done_folder = Processed
# error_folder = Errors
# interval = 60
"""


def read_credentials(path):
    """``(user, password)`` of an existing ingester config file, or None."""
    import configparser

    config = configparser.ConfigParser(interpolation=None)
    if not config.read(path, encoding="utf-8") or not config.has_section("portal"):
        return None
    portal = config["portal"]
    if not portal.get("user") or not portal.get("password"):
        return None
    return portal["user"], portal["password"]


def ensure_ingester_config(path, url, host="127.0.0.1", port=8025, user="mailin"):
    """Make the service account match the config file at ``path``, writing
    the file (with a new random password) when it does not exist yet.

    Returns the path. The file is created readable by its owner only.
    """
    import os
    import secrets

    found = read_credentials(path) if os.path.exists(path) else None
    if found is None:
        password = secrets.token_urlsafe(24)
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(
                CONFIG_TEMPLATE.format(
                    url=url, user=user, password=password, host=host, port=port
                )
            )
        found = (user, password)
    ensure_service_account(*found)
    return path
