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
from phutho.intranet.exc import NotFoundError
from phutho.intranet.exc import UnauthorizedError
from plone.rest.interfaces import IAPIRequest
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from urllib.parse import parse_qsl
from zope.component import getSiteManager
from zope.i18n import translate
from zope.interface import implementedBy
from zope.interface import Interface
from zope.interface import providedBy

import html
import json
import logging
import re

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

    def fallback_view(self):
        """The view Plone (or plone.rest) registered for ``Exception``."""
        factory = getSiteManager().adapters.lookup(
            (implementedBy(Exception), providedBy(self.request)),
            Interface,
            name="index.html",
        )
        view = factory(self.context, self.request)
        parent = getattr(self, "__parent__", None)
        if parent is not None:
            view.__parent__ = parent
        return view

    def fall_through(self):
        """Render the error as Plone (or plone.rest) would."""
        return self.fallback_view()()


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
                default="The search text cannot be read. Write words, optionally "
                "joined by AND, OR or NOT with something on both sides, and "
                "close every bracket.",
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
        name, value, kind = converted_parameter(self.request)
        return InvalidDataError(
            _(
                "error_bad_parameter",
                default="${field}: '${value}' is not ${kind}.",
                mapping={
                    "field": name or "-",
                    "value": (value or "")[:100],
                    "kind": translate(kind, context=self.request),
                },
            ),
            field=name,
        )


# ZPublisher's converters a refusal can name, and what they expect.
CONVERTED_KINDS = {
    "int": (int, _("kind_whole_number", default="a whole number")),
    "long": (int, _("kind_whole_number", default="a whole number")),
    "float": (float, _("kind_decimal_number", default="a number")),
}


def converted_parameter(request):
    """``(name, value, kind)`` of the query-string parameter whose
    ``:int``/``:float`` conversion fails (ZPublisher stops before it
    records which one), or ``(None, None, kind)``."""
    for key, value in parse_qsl(request.get("QUERY_STRING") or "", True):
        name, _sep, converter = key.partition(":")
        converter = converter.split(":")[0]
        if converter not in CONVERTED_KINDS:
            continue
        convert, kind = CONVERTED_KINDS[converter]
        try:
            convert(value.strip())
        except ValueError:
            return name, value, kind
    return None, None, _("kind_value_of_its_type", default="a value of its type")


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


# plone.restapi's words for a search value of the wrong type.
QUERY_VALUE_RE = re.compile(
    r"Query value (?P<value>.*) for index <\w+ at (?P<index>\w+)> must be of "
    r"type .*?(?P<type>DateTime|int|bool|str)"
)


class QueryView(RefusalView):
    """plone.restapi could not read a search query (a date index asked
    for ``garbage``, a query record without ``query``)."""

    def refusal(self):
        match = QUERY_VALUE_RE.search(str(self.context))
        if match is None:
            return InvalidDataError(
                _(
                    "error_search_query",
                    default="The search query cannot be read: give each "
                    "search field a value, or a record with a 'query' key.",
                )
            )
        kind = {
            "DateTime": _("kind_date", default="a date (YYYY-MM-DD)"),
            "int": _("kind_whole_number", default="a whole number"),
            "bool": _("kind_bool", default="true/false"),
        }.get(match.group("type"), _("kind_text", default="text"))
        return InvalidDataError(
            _(
                "error_search_value",
                default="${field}: ${value} is not ${kind}.",
                mapping={
                    "field": match.group("index"),
                    "value": match.group("value")[:100],
                    "kind": translate(kind, context=self.request),
                },
            ),
            field=match.group("index"),
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


class UnauthorizedView(RefusalView):
    """Zope's ``Unauthorized`` over the REST API, in the portal's error
    model (status 401 as before). Pages keep Plone's own answer: the
    login form."""

    def refusal(self):
        if not wants_json(self.request):
            return None
        return UnauthorizedError(
            _(
                "error_unauthorized",
                default="You may not do this here. Sign in with an account that "
                "may (Basic auth, or a token from POST @login).",
            )
        )


class NotFoundView(RefusalView):
    """``NotFound`` over the REST API, in the portal's error model, after
    plone.rest's redirects of moved content. Pages keep Plone's page."""

    def __call__(self):
        if wants_json(self.request):
            fallback = self.fallback_view()
            attempt = getattr(fallback, "attempt_redirect", None)
            if attempt is not None and attempt():
                self.request.response.setBody("", lock=True)
                return ""
        return super().__call__()

    def refusal(self):
        if not wants_json(self.request):
            return None
        return NotFoundError(
            _(
                "error_not_found",
                default="There is nothing at this address: it is wrong, or what "
                "it named was removed.",
            )
        )
