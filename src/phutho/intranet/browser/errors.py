"""Exception views: a refusal or a malformed request answers 4xx, never 500.

Zope renders an exception with the ``index.html`` view registered for its
class. These views are registered for the portal's own refusals
(:mod:`phutho.intranet.exc`) and for the few exception classes that can
only come from what the client sent (a body that is not JSON, a search
text that cannot be parsed, ``:int`` data that is not a number, a copy the
item refuses). Each answers with the refusal's status, its message in the
request's language and the field at fault: JSON for the REST API, a page
for browsers; and logs one line. Anything else falls through to the view
Plone or plone.rest registered for ``Exception``.
"""

from AccessControl import getSecurityManager
from phutho.intranet import _
from phutho.intranet.exc import ForbiddenError
from phutho.intranet.exc import InvalidDataError
from plone.rest.interfaces import IAPIRequest
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zope.component import getSiteManager
from zope.i18n import translate
from zope.interface import implementedBy
from zope.interface import Interface
from zope.interface import providedBy

import html
import json
import logging

logger = logging.getLogger("phutho.intranet.errors")

# Without a context (the error came before traversal) there is no
# main_template to render in: a plain page in the portal's language.
BARE_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{message}</p><p><a href="/">{home}</a></p></body></html>
"""


def wants_json(request):
    """True for REST API requests, also when the error came before
    plone.rest marked the request (``++api++`` is seen in traversal)."""
    if IAPIRequest.providedBy(request):
        return True
    if "++api++" in (request.get("PATH_INFO") or ""):
        return True
    return "application/json" in (request.getHeader("Accept") or "")


def log_refusal(request, error):
    user = getSecurityManager().getUser()
    logger.warning(
        "%s %s refused (%d) for %s: %s%s",
        request.get("REQUEST_METHOD", "GET"),
        request.get("ACTUAL_URL") or request.get("URL", ""),
        error.status,
        user.getId() if user is not None else None,
        error.translated(request),
        f" [field {error.field}]" if error.field else "",
    )


class RefusalView(BrowserView):
    """``index.html`` of a :class:`PortalError`."""

    template = ViewPageTemplateFile("templates/error_refused.pt")

    def refusal(self):
        """The PortalError to answer (subclasses translate other errors)."""
        return self.context

    def __call__(self):
        error = self.refusal()
        if error is None:
            return self.fall_through()
        request = self.request
        response = request.response
        log_refusal(request, error)
        response.setStatus(error.status, lock=True)
        if wants_json(request):
            response.setHeader("Content-Type", "application/json")
            body = json.dumps(error.as_json(request), indent=2, sort_keys=True)
            response.setBody(body, lock=True)
            # plone.protect/PAS must not turn a 401/403 into a login page.
            response._has_challenged = True
            return body
        self.message = error.translated(request)
        parent = getattr(self, "__parent__", None)
        if parent is not None and hasattr(parent, "restrictedTraverse"):
            self.context = parent
            try:
                return self.template()
            except Exception:  # the page around the message failed: say it bare
                logger.exception("Could not render the refusal page")
        return self.bare_page()

    def bare_page(self):
        request = self.request
        language = request.get("LANGUAGE") or "vi"
        title = self.translate(_("heading_refused", default="This cannot be done"))
        home = self.translate(_("link_home", default="Home page"))
        self.request.response.setHeader("Content-Type", "text/html; charset=utf-8")
        return BARE_PAGE.format(
            lang=html.escape(language),
            title=html.escape(title),
            message=html.escape(self.message),
            home=html.escape(home),
        )

    def translate(self, message):
        return translate(message, context=self.request)

    def fall_through(self):
        """Render the error as Plone (or plone.rest) would: the view
        registered for ``Exception`` itself."""
        factory = getSiteManager().adapters.lookup(
            (implementedBy(Exception), providedBy(self.request)),
            Interface,
            name="index.html",
        )
        view = factory(self.context, self.request)
        parent = getattr(self, "__parent__", None)
        if parent is not None:
            view.__parent__ = parent
        return view()


class BadJSONView(RefusalView):
    """plone.restapi's ``DeserializationError``: the body is not the JSON
    object the service takes."""

    def refusal(self):
        return InvalidDataError(
            _(
                "error_bad_json",
                default="The request body must be one JSON object, e.g. "
                '{"title": "..."}, sent as UTF-8 with Content-Type: '
                "application/json.",
            )
        )


class SearchTextView(RefusalView):
    """A full-text query ZCTextIndex cannot parse (``(a OR``, ``NOT``)."""

    def refusal(self):
        return InvalidDataError(
            _(
                "error_search_text",
                default="The search text cannot be read (${detail}). Write words, "
                "optionally joined by AND, OR or NOT with something on both sides.",
                mapping={"detail": str(self.context)},
            ),
            field="SearchableText",
        )


class BadParameterView(RefusalView):
    """A ``ValueError`` raised by ZPublisher's converters (``year:int=abc``)
    comes from the request's own data. Raised anywhere else it is a defect,
    and answered as one (500)."""

    def refusal(self):
        if not raised_in(self.context, "ZPublisher.Converters"):
            return None
        return InvalidDataError(
            _(
                "error_bad_parameter",
                default="A value in the address or the form has the wrong form: "
                "${detail}.",
                mapping={"detail": str(self.context)},
            )
        )


def raised_in(error, module_name):
    """True when ``error`` was raised by code of ``module_name``."""
    frame_module = None
    traceback = error.__traceback__
    while traceback is not None:
        frame_module = traceback.tb_frame.f_globals.get("__name__")
        traceback = traceback.tb_next
    return frame_module == module_name


class CopyRefusedView(RefusalView):
    """OFS refuses to copy or move an item (registered documents are
    records: they are never copied)."""

    def refusal(self):
        return ForbiddenError(
            _(
                "error_cannot_copy",
                default="This item cannot be copied or moved.",
            )
        )


class QueryView(RefusalView):
    """plone.restapi could not read a search query (a date index asked
    for ``garbage``, a query record without ``query``)."""

    def refusal(self):
        return InvalidDataError(
            _(
                "error_search_query",
                default="The search query cannot be read: ${detail}.",
                mapping={"detail": str(self.context)[:300]},
            )
        )


class BadRequestView(RefusalView):
    """Zope's, Plone's and plone.restapi's ``BadRequest``: the request
    itself cannot be taken (a form over the size limit, a missing
    parameter). Answered like the portal's own refusals."""

    def refusal(self):
        detail = str(self.context)[:300]
        if detail.startswith("<"):  # ZPublisher's HTML message
            detail = ""
        return InvalidDataError(
            _(
                "error_bad_request",
                default="The request cannot be taken: ${detail}",
                mapping={"detail": detail or "-"},
            )
        )
