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
