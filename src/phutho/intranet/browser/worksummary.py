"""The front page's work summary, and where officials land after signing
in.

Signed-in officials see on the front page what waits for them, section by
section with its count (``@@work-summary``, included by the front page);
signing in from the front page or the login page takes them straight to
their work (``@@documents-dashboard``) rather than to the news.
"""

from phutho.intranet.work import sections
from phutho.intranet.work.counts import summary
from plone import api
from plone.base.interfaces import IRedirectAfterLogin
from Products.Five.browser import BrowserView
from urllib.parse import urlencode
from urllib.parse import urlsplit
from zope.interface import implementer


class WorkSummary(BrowserView):
    """``@@work-summary``: the current user's sections and counts as
    cards, linking to the dashboard; nothing for anonymous visitors or
    people without work in any agency."""

    def update(self):
        self.counts = None if api.user.is_anonymous() else summary(None)
        portal_url = api.portal.get().absolute_url()
        self.dashboard_url = f"{portal_url}/@@documents-dashboard"
        self.cards = []
        for section_id, count in (self.counts or {}).get("sections", ()):
            section = sections.SECTIONS_BY_ID[section_id]
            self.cards.append(
                {
                    "id": section_id,
                    "title": section.title,
                    "count": count,
                    "waiting": section.waiting,
                    "url": f"{self.dashboard_url}?{urlencode({'section': section_id})}",
                }
            )

    def __call__(self):
        self.update()
        if not self.cards:
            return ""
        return self.index()


# The front page as people reach it: the site root, its default view.
FRONT_PAGE_VIEWS = ("", "portal-home", "view", "index_html", "login", "login_form")


@implementer(IRedirectAfterLogin)
class LandOnWork:
    """After signing in, an official who came from the front page (or
    straight to the login page) lands on "Việc của tôi"; anyone coming
    from a particular page goes back there, as Plone does."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def __call__(self, came_from=None, is_initial_login=False):
        portal = api.portal.get()
        portal_path = urlsplit(portal.absolute_url()).path.rstrip("/")
        path = urlsplit(came_from or "").path.rstrip("/")
        rest = (
            path[len(portal_path) :].strip("/")
            if path.startswith(portal_path)
            else None
        )
        if came_from and rest not in FRONT_PAGE_VIEWS:
            return came_from
        user = api.user.get_current()
        if not any(group.endswith("-officials") for group in user.getGroups()):
            return came_from
        return f"{portal.absolute_url()}/@@documents-dashboard"
