"""Notification choices on Plone's personal preferences form.

The fields of :class:`phutho.intranet.mail.preferences.IMailPreferences`
join ``@@personal-preferences`` (and ``@@user-preferences``, where a
webmaster edits someone else's) in their own fieldset; Plone's form saves
them as member properties through the schema's adapter.
"""

from phutho.intranet import _
from phutho.intranet.mail.preferences import IMailPreferences
from plone.z3cform.fieldsets.extensible import FormExtender
from z3c.form.field import Fields


class MailPreferencesExtender(FormExtender):
    """Adds the "E-mail notifications" fieldset."""

    def update(self):
        self.add(
            Fields(IMailPreferences),
            group=_("fieldset_mail_notifications", default="E-mail notifications"),
        )
