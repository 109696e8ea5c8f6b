"""Paste that says no instead of failing.

Plone's ``object_paste`` turns a type the target may not hold (an agency
pasted into an agency, a document into a register) into a site error with
OFS's English message. Check the clipboard's types first and say so.
"""

from OFS.CopySupport import _cb_decode
from OFS.Moniker import loadMoniker
from phutho.intranet import _
from plone.app.content.browser.actions import ObjectPasteView

import logging

logger = logging.getLogger("phutho.intranet.browser")


class PasteView(ObjectPasteView):
    def clipboard_types(self):
        """Portal types of the items on the clipboard (those still there)."""
        try:
            _op, monikers = _cb_decode(self.request["__cp"])
        except Exception:  # no clipboard, or a damaged cookie: Plone says so
            return set()
        root = self.context.getPhysicalRoot()
        types = set()
        for data in monikers:
            try:
                types.add(loadMoniker(data).bind(root).portal_type)
            except Exception:  # gone since it was copied: Plone says so
                continue
        return types

    def do_action(self):
        allowed = {fti.getId() for fti in self.context.allowedContentTypes()}
        refused = sorted(self.clipboard_types() - allowed)
        if refused:
            logger.info(
                "Refused paste of %s into %s",
                ", ".join(refused),
                self.context.absolute_url(1),
            )
            return self.do_redirect(
                self.canonical_object_url,
                _(
                    "error_paste_not_allowed",
                    default="These items cannot be pasted here.",
                ),
                "error",
            )
        return super().do_action()
