"""Paste that says no instead of failing.

Plone's ``object_paste`` re-raises anything unexpected as a site error. In
this portal the usual one is a type the target may not hold (an agency
pasted into an agency, a document into a register): say so and go back.
"""

from phutho.intranet import _
from plone.app.content.browser.actions import ObjectPasteView
from ZODB.POSException import ConflictError

import logging


logger = logging.getLogger("phutho.intranet.browser")


class PasteView(ObjectPasteView):
    def do_action(self):
        try:
            return super().do_action()
        except ConflictError:
            raise
        except ValueError as error:
            # OFS raises ValueError("Disallowed subobject type: ...").
            logger.info("Refused paste into %s: %s", self.context.absolute_url(1), error)
            return self.do_redirect(
                self.canonical_object_url,
                _("error_paste_not_allowed", default="These items cannot be pasted here."),
                "error",
            )
