"""Record who opened a document, its files and its annexes: after a
successful GET (the response is already committed, so a failure here
never costs the request anything)."""

from Acquisition import aq_inner
from Acquisition import aq_parent
from phutho.intranet.accesslog import writer
from phutho.intranet.content.document import IOfficialDocument
from plone import api
from plone.app.contenttypes.interfaces import IFile
from plone.namedfile.browser import Download
from plone.restapi.services import Service

import logging

logger = logging.getLogger("phutho.intranet.accesslog")

# Pages of a document that show it (not its forms or this log itself).
PAGES = ("view", "")


def what_was_opened(published):
    """``(document, what)`` for a page, a file or an API read of a
    document, else ``(None, None)``."""
    context = getattr(published, "context", None)
    if context is None:
        return None, None
    context = aq_inner(context)
    if isinstance(published, Download):
        name = getattr(published, "fieldname", None) or "file"
        if IOfficialDocument.providedBy(context):
            return context, f"file:{name}"
        parent = aq_parent(context)
        if IFile.providedBy(context) and IOfficialDocument.providedBy(parent):
            return parent, f"annex:{context.getId()}"
        return None, None
    if not IOfficialDocument.providedBy(context):
        return None, None
    if isinstance(published, Service):
        return context, "api"
    if getattr(published, "__name__", None) in PAGES:
        return context, "view"
    return None, None


def on_publication_success(event):
    """Subscriber (IPubSuccess): note the view, never fail the request."""
    request = event.request
    if request.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
        return
    try:
        document, what = what_was_opened(request.get("PUBLISHED"))
        if document is None or api.user.is_anonymous():
            return
        user_id = api.user.get_current().getId()
        writer.record(api.portal.get(), document.UID(), user_id, what)
    except Exception:  # the page was served; the log must not break it
        logger.exception("Access not logged")
