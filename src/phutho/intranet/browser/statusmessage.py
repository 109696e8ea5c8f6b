"""Plone's status messages with their kind said in the reader's language.

Plone's viewlet passes the kind ("Info:", "Error:"…) to the icon as a
message id, untranslated: the icon's title read "statusmessage_mtype_info"
to screen readers. The kind is translated once here, for the icon and the
heading alike.
"""

from plone.app.layout.viewlets.globalstatusmessage import GlobalStatusMessage
from zope.i18n import translate


class StatusMessageViewlet(GlobalStatusMessage):
    """Plone's status messages, their kind translated."""

    def display_info_for_mtype(self, mtype):
        info = dict(super().display_info_for_mtype(mtype))
        info["msg"] = translate(info["msg"], context=self.request)
        return info
