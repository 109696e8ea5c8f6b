"""A database conflict never reaches a person as a site error.

Two requests that take a number from the same register write the same
counter (see :mod:`phutho.intranet.numbering.counter`): the storage refuses
the second commit with a ``ConflictError`` and Zope runs that request again,
up to ``max-conflict-retries`` times (``scripts/instance.py`` sets it), after
a random pause that doubles each time. Nothing is lost or numbered twice.

Zope's error log notes each retry (``ConflictError at <path>: … Request
will be retried``, INFO in event.log). When even the last retry conflicts,
this view answers ``503 Service Unavailable`` with ``Retry-After`` and a
message in the person's language (JSON for the REST API, a page for
browsers) instead of Zope's 500, and logs a warning. The transaction was
aborted: nothing was saved, so trying again is safe.
"""

from phutho.intranet import _
from plone.rest.interfaces import IAPIRequest
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from Products.statusmessages.interfaces import IStatusMessage
from zope.i18n import translate

import html
import json
import logging

logger = logging.getLogger("phutho.intranet.conflict")

# Seconds a client should wait before trying again.
RETRY_AFTER = 5

TITLE = _("conflict_title", default="The portal is busy")
MESSAGE = _(
    "conflict_message",
    default="Many people are working on the same records at this moment and "
    "your request could not be completed. Nothing was saved: please try again "
    "in a few seconds.",
)

# When the portal's page cannot be rendered (no site, broken template).
BARE_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{message}</p></body></html>
"""


def wants_json(request):
    """True for REST API requests (plone.rest marks them; ``++api++`` and
    an Accept of JSON say so too when the error came first)."""
    if IAPIRequest.providedBy(request):
        return True
    if "++api++" in (request.get("PATH_INFO") or ""):
        return True
    return "application/json" in (request.getHeader("Accept") or "")


def describe(error):
    """The conflict's own message. CMF's workflow tool re-raises an error
    raised in a transition wrapped in its own class (``ConflictError(<the
    ConflictError>)``), whose ``str()`` fails: unwrap it."""
    while error.args and isinstance(error.args[0], BaseException):
        error = error.args[0]
    try:
        return str(error)
    except Exception:
        return type(error).__name__


class ConflictView(BrowserView):
    """``index.html`` of ``ConflictError``: what Zope shows once its
    retries are used up."""

    index = ViewPageTemplateFile("templates/conflict.pt")

    def __call__(self):
        request = self.request
        response = request.response
        logger.warning(
            "Conflict not resolved after %d retries on %s %s: answered 503 (%s)",
            getattr(request, "retry_count", 0),
            request.get("REQUEST_METHOD", "GET"),
            request.get("PATH_INFO", ""),
            describe(self.context),
        )
        # Locked: plone.transformchain sets the status from the exception's
        # class (500 for ConflictError) after this view has run.
        response.setStatus(503, lock=True)
        response.setHeader("Retry-After", str(RETRY_AFTER))
        self.title = translate(TITLE, context=request)
        self.message = translate(MESSAGE, context=request)
        if wants_json(request):
            response.setHeader("Content-Type", "application/json")
            return json.dumps(
                {
                    "error": {
                        "type": "ConflictError",
                        "message": self.message,
                        "retry_after": RETRY_AFTER,
                    }
                }
            )
        response.setHeader("Content-Type", "text/html; charset=utf-8")
        # A form may have queued "done" before the commit failed: drop it,
        # nothing was done.
        IStatusMessage(request).show()
        parent = getattr(self, "__parent__", None)
        if parent is not None:
            # Render in the portal's page, around what was being published.
            self.context = parent
            try:
                return self.index()
            except Exception:
                logger.exception("Could not render the conflict page")
        return BARE_PAGE.format(
            lang=html.escape(request.get("LANGUAGE") or "vi"),
            title=html.escape(self.title),
            message=html.escape(self.message),
        )
