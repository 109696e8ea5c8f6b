"""Bylines ("bởi … — cập nhật lần cuối …") only where they mean something.

An author and a last change date say something about a news item or a
page someone wrote, on its own page. On an agency, a register, a
dashboard or a report they only name whoever happened to create the
folder; on an official document the processing history says who did
what, and a copy delivered from another agency would name the sender's
clerk as its author.
"""

from plone.app.layout.viewlets.content import (
    DocumentBylineViewlet as PloneDocumentBylineViewlet,
)
from Products.PlonePAS.browser.member import PASMemberView

# Types whose items people write and sign as authors.
AUTHORED_TYPES = frozenset(
    ("Document", "News Item", "Event", "File", "Image", "Link", "Collection")
)


class DocumentBylineViewlet(PloneDocumentBylineViewlet):
    """Plone's byline, shown on authored content's own page only."""

    def show(self):
        if getattr(self.context, "portal_type", None) not in AUTHORED_TYPES:
            return False
        context_state = self.context.restrictedTraverse("@@plone_context_state")
        if not context_state.is_view_template():
            return False
        return super().show()


# What Plone's listings get for an item whose catalog entry names no
# creator: no byline, nobody looked up.
NOBODY = {
    "username": "",
    "description": "",
    "language": "",
    "home_page": "",
    "name_or_id": "",
    "location": "",
    "fullname": "",
}


class MemberInfoView(PASMemberView):
    """``@@pas_member`` that takes an item without a creator.

    Agencies, units, registers and period folders name no creator in the
    catalog (protect/people.py), so their ``Creator`` metadata is
    ``Missing.Value``; Plone's folder listings pass it to ``info``, whose
    memoize cannot hash it: every listing of agencies answered 500 to
    signed-in people.
    """

    def info(self, userid=None):
        if userid is not None and not isinstance(userid, str):
            return dict(NOBODY)
        return super().info(userid)
