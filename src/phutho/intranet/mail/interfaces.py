"""Settings of the mail side, kept in the registry (``phutho.intranet.mail.*``)."""

from phutho.intranet import _
from zope import schema
from zope.interface import Interface


class IMailSettings(Interface):
    """What a webmaster may tune; SMTP itself stays in Site Setup → Mail."""

    notifications_enabled = schema.Bool(
        title=_("label_mail_notifications_enabled", default="Send notifications"),
        description=_(
            "help_mail_notifications_enabled",
            default="Switch off to stop every notification and digest "
            "(issued documents are still mailed).",
        ),
        default=True,
    )
    deadline_days = schema.Int(
        title=_("label_mail_deadline_days", default="Days before a deadline"),
        description=_(
            "help_mail_deadline_days",
            default="The digest lists documents whose deadline falls within "
            "this many days.",
        ),
        default=3,
        min=0,
        max=60,
    )
    public_url = schema.TextLine(
        title=_("label_mail_public_url", default="Portal address in mails"),
        description=_(
            "help_mail_public_url",
            default="The site's address as people open it, e.g. "
            "https://congvanban.phutho.gov.vn/Plone; empty: the address of "
            "the request that sends the mail.",
        ),
        required=False,
    )
    mailin_max_size = schema.Int(
        title=_("label_mailin_max_size", default="Largest incoming mail (MB)"),
        description=_(
            "help_mailin_max_size",
            default="Messages above this size are refused.",
        ),
        default=50,
        min=1,
        max=500,
    )
