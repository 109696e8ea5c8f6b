"""What a person may not see answers as if it did not exist.

* ``resolveuid/<uid>`` of something the person may not view answers 404,
  as an unknown UID does, instead of redirecting to its URL (whose id and
  folders tell its title, agency and month).
* An item refused to someone who may not view the folder it is in (an
  annex of a document they may not see) answers 404, as an absent one
  does: they could not have learnt its name from the folder. Items of
  folders they may view answer as Plone does (the login page, 401, 403).
* ``@relations`` counts (stats and broken relations) cover every document:
  managers only. A relation query naming a document the person may not
  view answers 404, as one naming an unknown document does.
"""

from AccessControl import getSecurityManager
from AccessControl.SpecialUsers import nobody
from Acquisition import aq_inner
from Acquisition import aq_parent
from phutho.intranet import _
from phutho.intranet.exc import ForbiddenError
from phutho.intranet.exc import UnauthorizedError
from plone.app.uuid.utils import uuidToObject
from plone.outputfilters.browser.resolveuid import ResolveUIDView
from plone.protect.authenticator import isAnonymousUser
from plone.restapi.services.relations.get import GetRelations
from Products.CMFCore.permissions import ManagePortal
from Products.CMFCore.permissions import View
from Products.CMFCore.utils import getToolByName
from Products.Five.browser import BrowserView
from zExceptions import NotFound
from zope.component import getSiteManager
from zope.component import queryMultiAdapter
from zope.component.hooks import getSite
from zope.interface import Interface
from zope.interface import providedBy
from zope.publisher.interfaces.browser import IBrowserView

import logging

logger = logging.getLogger("phutho.intranet.protect")


def refusal(message):
    """401 for anonymous, 403 for a signed-in person (who would not be
    helped by signing in again)."""
    if isAnonymousUser(getSecurityManager().getUser()):
        return UnauthorizedError(message)
    return ForbiddenError(message)


def viewable(obj):
    """The object, if the current user may view it (else None)."""
    if obj is None or not getSecurityManager().checkPermission(View, obj):
        return None
    return obj


class VisibleResolveUIDView(ResolveUIDView):
    """``resolveuid/<uid>``: redirects only to what the person may view."""

    def __call__(self):
        target = viewable(uuidToObject(self.uuid, unrestricted=True))
        if target is None:
            # Plone's words for an unknown UID, so both look the same.
            raise NotFound("The link you followed is broken")
        return super().__call__()


def refused_object(request):
    """The content object a refused request was about: the published
    object, the context of a published view, the owner of a method."""
    published = request.get("PUBLISHED")
    published = getattr(published, "__self__", published)  # a bound method
    if IBrowserView.providedBy(published):
        published = getattr(published, "context", None)
    return published


def requester(request):
    """Who sent the request. When traversal refuses the published object
    PAS installs nobody (it found no user allowed to see it): ask PAS who
    the credentials are of, without checking them against the object."""
    user = getSecurityManager().getUser()
    if not isAnonymousUser(user):
        return user
    site = getSite()
    pas = getToolByName(site, "acl_users", None) if site is not None else None
    if pas is None or not hasattr(pas, "_extractUserIds"):
        return nobody
    plugins = pas._getOb("plugins")
    for user_id, login in pas._extractUserIds(request, plugins):
        found = pas._findUser(plugins, user_id, login, request=request)
        if found is not None:
            return found
    return nobody


def conceals(request):
    """True when the refused object's folder is not viewable by the
    requester: then they cannot know the object exists."""
    obj = refused_object(request)
    container = aq_parent(aq_inner(obj)) if obj is not None else None
    if container is None or not hasattr(container, "getPhysicalPath"):
        return False
    try:
        return not requester(request).has_permission(View, container)
    except Exception:  # never fail the error page: answer as Plone would
        logger.exception("Could not decide whether to conceal %r", obj)
        return False


class UnauthorizedView(BrowserView):
    """``index.html`` of ``Unauthorized``: a 404 where the item must not be
    known to exist (see :func:`conceals`), else Plone's own answer."""

    def __call__(self):
        request = self.request
        if not conceals(request):
            return self.render(self.context)
        logger.info(
            "Answered 404 for %s, refused in a folder the requester may not view",
            request.get("ACTUAL_URL") or request.get("URL"),
        )
        response = request.response
        response.setStatus(404, lock=True)
        # Zope calls PAS's challenge after this view for any Unauthorized:
        # no login page, no 401 for what does not exist.
        response._has_challenged = True
        return self.render(NotFound(request.get("URL", "")))

    def render(self, error):
        """Render ``error`` as it would be without this view: a NotFound as
        any other; an Unauthorized with the view registered for it on every
        layer (the portal's error model), which hands pages on to Plone."""
        if isinstance(error, NotFound):
            view = queryMultiAdapter((error, self.request), name="index.html")
        else:
            factory = getSiteManager().adapters.lookup(
                (providedBy(error), Interface), Interface, name="index.html"
            )
            view = factory(error, self.request)
        parent = getattr(self, "__parent__", None)
        if parent is not None:
            view.__parent__ = parent
        return view()


class RelationsGet(GetRelations):
    """plone.restapi's ``GET @relations``, without counting or naming what
    the person may not see."""

    def reply(self):
        form = self.request.form
        whole_catalog = form.get("onlyBroken") or not (
            form.get("source") or form.get("target") or form.get("relation")
        )
        if whole_catalog and not getSecurityManager().checkPermission(
            ManagePortal, getSite()
        ):
            raise refusal(
                _(
                    "error_relation_stats",
                    default="Relation counts are for site managers. Ask for the "
                    "relations of one item with source=<UID> or target=<UID>.",
                )
            )
        for name in ("source", "target"):
            uid = form.get(name)
            if uid and not uid.startswith("/"):
                found = uuidToObject(uid, unrestricted=True)
                if found is not None and viewable(found) is None:
                    return self.reply_no_content(status=404)  # as if unknown
        return super().reply()
