"""The personal bar's work link: "Việc của tôi" with what waits for the
person and what is overdue, on every page of a signed-in official.

A viewlet of the portal header (the theme puts it beside the search box);
its counts come from :mod:`phutho.intranet.work.counts`, remembered until
the catalog changes, so a page view costs no query while nothing moves.
"""

from phutho.intranet.work.counts import summary
from plone.app.layout.viewlets.common import ViewletBase
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile


class PersonalWorkViewlet(ViewletBase):
    """``#phutho-personal-work``: link to the dashboard with counts."""

    index = ViewPageTemplateFile("templates/personal_work.pt")

    def update(self):
        super().update()
        self.counts = None if self.portal_state.anonymous() else summary()
        self.url = f"{self.site_url}/@@documents-dashboard"

    def available(self):
        """For people with work in an agency (not anonymous visitors, not
        webmasters who work in none)."""
        return bool(self.counts and self.counts["sections"])

    def render(self):
        return self.index() if self.available() else ""
