"""CSRF on the REST API, and JSON endpoints that take JSON.

plone.protect checks its token on browser forms, but plone.restapi's
services switch that check off: a JSON client has no form to carry it. A
request signed in by the login cookie (``__ac``) is sent by the browser on
its own, though, from any site, so a cross-site form could change data
(a ``text/plain`` body needs no CORS preflight). These rules apply to
every REST service (plone.restapi's and ours) asked to POST, PUT, PATCH
or DELETE:

* Signed in by a cookie (authenticated, no ``Authorization`` header): the
  request carries plone.protect's token (``X-CSRF-TOKEN`` header or an
  ``_authenticator`` parameter, checked with plone.protect's own key
  manager), or it comes from the site's own origin: its ``Origin`` header
  is the site's scheme, host and port. Browsers send ``Origin`` with every
  such request; when one was stripped (a privacy extension), a ``Referer``
  of the site counts instead. ``Origin: null`` (sandboxed frames,
  redirects across sites) never counts. Otherwise 403, logged.
* Basic and JWT (``Authorization: Bearer``) clients are not concerned: a
  browser never adds that header across sites by itself.
* A body must be of a type the service takes: JSON unless it declares
  otherwise (``accepted_content_types`` on the service class, or
  :data:`OTHER_BODIES` for services we do not write). Otherwise 415.

:class:`CsrfTokenGet` (``GET @csrf-token``) gives a cookie client its token;
pages also find it in ``#protect-script[data-token]``, which plone.protect
renders for signed-in users.
"""

from AccessControl import getSecurityManager
from phutho.intranet import _
from phutho.intranet.exc import ForbiddenError
from phutho.intranet.exc import InvalidDataError
from plone.protect.authenticator import check
from plone.protect.authenticator import createToken
from plone.protect.authenticator import isAnonymousUser
from plone.rest.interfaces import IService
from plone.restapi.services import Service
from Products.CMFCore.utils import getToolByName
from urllib.parse import urlsplit
from zExceptions import Forbidden
from zope.component import adapter
from zope.component.hooks import getSite
from zope.interface.interfaces import ComponentLookupError
from ZPublisher.interfaces import IPubAfterTraversal

import logging

logger = logging.getLogger("phutho.intranet.protect")

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON = ("application/json",)
DEFAULT_PORTS = {"http": 80, "https": 443}

# Endpoints (by name) that take bodies other than JSON. Our own services
# may say so on their class instead (``accepted_content_types``).
OTHER_BODIES = {
    # plone.restapi: CSV imports of users and redirects, TUS uploads.
    "@users": ("application/json", "multipart/form-data"),
    "@aliases": ("application/json", "multipart/form-data"),
    "@tus-upload": ("application/offset+octet-stream",),
    "@tus-replace": ("application/offset+octet-stream",),
    # Ours: raw messages from the mail-in ingester, edXML packages.
    "@mail-in": ("message/rfc822",),
    "@edxml": ("application/xml", "text/xml"),
}


class UnsupportedMediaTypeError(InvalidDataError):
    """The body is of a type the service does not read."""

    status = 415
    error_type = "UnsupportedMediaType"


def signed_in_by_cookie(request):
    """True when a person is signed in, the request carries a sign-in
    cookie and no ``Authorization`` header: then the cookie is what signs
    it in, and browsers add it by themselves to requests from other sites.
    (``POST @login`` signs in with the credentials in its body.)"""
    if isAnonymousUser(getSecurityManager().getUser()):
        return False
    # Zope keeps the header here and takes it out of the environment.
    if request._auth:
        return False
    cookies = request.cookies
    return any(cookies.get(name) for name in credential_cookies())


def credential_cookies():
    """Names of the cookies that sign people in: plone.session's ticket
    (``__ac`` unless configured otherwise) and a JWT cookie."""
    names = {"__ac", "auth_token"}
    site = getSite()
    pas = getToolByName(site, "acl_users", None) if site is not None else None
    session = getattr(pas, "session", None)
    name = getattr(session, "cookie_name", None)
    if name:
        names.add(name)
    return names


def has_valid_token(request):
    """plone.protect's check: ``X-CSRF-TOKEN`` or ``_authenticator``."""
    try:
        check(request)
    except (Forbidden, ComponentLookupError):
        return False
    return True


def origin_of(url):
    """``(scheme, host, port)`` of ``url``; None when it has none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except (AttributeError, ValueError):
        return None
    scheme = (parts.scheme or "").lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def from_own_origin(request):
    """True when the request says it comes from the site itself: its
    ``Origin``, or without one its ``Referer``, is the site's origin as
    this request reached it (``SERVER_URL``, virtual hosting included)."""
    claimed = request.getHeader("Origin")
    if claimed is None:
        claimed = request.getHeader("Referer")
    if not claimed or claimed.strip() == "null":
        return False
    own = origin_of(request.get("SERVER_URL") or "")
    return own is not None and origin_of(claimed) == own


def endpoint_name(request, service):
    """``@workflow`` for the service answering ``POST …/@workflow/x``."""
    name = getattr(service, "__name__", "") or ""
    return name.removeprefix(getattr(request, "_rest_service_id", "") or "")


def accepted_content_types(request, service):
    """The media types of the bodies ``service`` reads."""
    declared = getattr(service, "accepted_content_types", None)
    if declared:
        return tuple(declared)
    return OTHER_BODIES.get(endpoint_name(request, service), JSON)


def has_body(request):
    try:
        length = int(request.environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    chunked = "chunked" in (request.getHeader("Transfer-Encoding") or "").lower()
    return length > 0 or chunked


def media_type(request):
    return (request.getHeader("Content-Type") or "").split(";")[0].strip().lower()


def describe(request):
    user = getSecurityManager().getUser()
    return "%s %s by %s (Origin %r, Referer %r)" % (
        request.get("REQUEST_METHOD"),
        request.get("ACTUAL_URL") or request.get("URL"),
        user.getId() if user is not None else None,
        request.getHeader("Origin"),
        request.getHeader("Referer"),
    )


@adapter(IPubAfterTraversal)
def check_rest_request(event):
    """Refuse a state-changing REST request that breaks the rules above
    before the service runs (nothing has been read or written yet)."""
    request = event.request
    if request.get("REQUEST_METHOD", "GET").upper() not in STATE_CHANGING:
        return
    service = request.get("PUBLISHED")
    if not IService.providedBy(service):
        return
    if (
        signed_in_by_cookie(request)
        and not has_valid_token(request)
        and not from_own_origin(request)
    ):
        logger.warning("Refused cookie request without token: %s", describe(request))
        raise ForbiddenError(
            _(
                "error_csrf",
                default="This change came with the sign-in cookie but without "
                "the site's security token. Send the token in the X-CSRF-TOKEN "
                "header (GET @csrf-token gives it), or sign in with a token "
                "(POST @login, then Authorization: Bearer).",
            )
        )
    if has_body(request):
        accepted = accepted_content_types(request, service)
        received = media_type(request)
        if received not in accepted:
            logger.warning(
                "Refused a %r body (takes %s): %s",
                received,
                ", ".join(accepted),
                describe(request),
            )
            raise UnsupportedMediaTypeError(
                _(
                    "error_content_type",
                    default="This address reads ${accepted} bodies: send the body "
                    "with the header Content-Type: ${first} (it came as "
                    "'${received}').",
                    mapping={
                        "accepted": ", ".join(accepted),
                        "first": accepted[0],
                        "received": received or "-",
                    },
                ),
                field="Content-Type",
            )


class CsrfTokenGet(Service):
    """``GET @csrf-token``: ``{"token": "...", "header": "X-CSRF-TOKEN"}``,
    the signed-in person's plone.protect token. Other sites cannot read it
    (no CORS), so only the site's pages and the person's own clients do."""

    def reply(self):
        self.request.response.setHeader("Cache-Control", "no-store")
        return {"token": createToken(), "header": "X-CSRF-TOKEN"}
