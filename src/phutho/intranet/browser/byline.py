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
