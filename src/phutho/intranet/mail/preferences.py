"""Each person's choice of notifications, kept as member properties.

The fields join Plone's own personal preferences form (``@@personal-
preferences``; ``@@user-preferences`` for a webmaster editing someone else)
through :mod:`phutho.intranet.browser.mail_preferences`. Properties are
declared in the default profile's ``memberdata_properties.xml`` so a person
who never opened the form gets the defaults: every kind on, assignments in
the digest.
"""

from phutho.intranet import _
from plone.app.users.browser.account import AccountPanelSchemaAdapter
from zope import schema
from zope.interface import Interface

PREFIX = "phutho_mail_"

# kind -> (label, help). The order is the order of the form and the digest.
KINDS = {
    "assigned": _(
        "mail_kind_assigned",
        default="Documents assigned to me or my unit",
    ),
    "review": _(
        "mail_kind_review",
        default="Drafts waiting for my review or signature",
    ),
    "returned": _("mail_kind_returned", default="My drafts returned for revision"),
    "registration": _(
        "mail_kind_registration",
        default="Documents waiting for registration or issue (clerks)",
    ),
    "recall": _("mail_kind_recall", default="Recalls of documents we received"),
    "deadlines": _(
        "mail_kind_deadlines",
        default="Deadlines approaching and overdue documents",
    ),
}

IMMEDIATELY = "assigned_immediately"


def property_name(kind):
    """Member property holding the choice for ``kind``."""
    if kind not in KINDS and kind != IMMEDIATELY:
        raise ValueError(f"Unknown notification kind {kind!r}")
    return PREFIX + kind


class IMailPreferences(Interface):
    """The notification fields of the personal preferences form."""

    phutho_mail_assigned = schema.Bool(
        title=KINDS["assigned"], required=False, default=True
    )
    phutho_mail_assigned_immediately = schema.Bool(
        title=_(
            "label_mail_assigned_immediately",
            default="Send assignments immediately",
        ),
        description=_(
            "help_mail_assigned_immediately",
            default="One mail per assignment as it happens, instead of in the "
            "daily digest.",
        ),
        required=False,
        default=False,
    )
    phutho_mail_review = schema.Bool(
        title=KINDS["review"], required=False, default=True
    )
    phutho_mail_returned = schema.Bool(
        title=KINDS["returned"], required=False, default=True
    )
    phutho_mail_registration = schema.Bool(
        title=KINDS["registration"], required=False, default=True
    )
    phutho_mail_recall = schema.Bool(
        title=KINDS["recall"], required=False, default=True
    )
    phutho_mail_deadlines = schema.Bool(
        title=KINDS["deadlines"], required=False, default=True
    )


class MailPreferencesAdapter(AccountPanelSchemaAdapter):
    """Reads and writes the fields as member properties (Plone's own
    adapter does the member lookup, including ``?userid=`` for webmasters)."""

    schema = IMailPreferences


def _flag(member, name, default):
    value = member.getProperty(name, None)
    if value is None or value == "":
        return default
    return bool(value)


def wants(member, kind):
    """True when ``member`` (a MemberData) wants notifications of ``kind``."""
    return _flag(member, property_name(kind), True)


def wants_immediately(member):
    """True when ``member`` wants assignments mailed at once."""
    return _flag(member, property_name(IMMEDIATELY), False)
