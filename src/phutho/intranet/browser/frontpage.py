"""The site root's front page (view ``portal-home``): the latest internal
news and announcements, and the agencies of the province.

Three capped catalog queries; nothing else is computed, so the page costs
about what Plone's own front page does.
"""

from phutho.intranet.dates import format_date
from phutho.intranet.themes import queries
from plone import api
from Products.Five.browser import BrowserView

NEWS_LIMIT = 5
ANNOUNCEMENT_LIMIT = 5
NEWS_TYPES = ("News Item",)
# Announcements are often a page or a scanned PDF rather than a news item.
ANNOUNCEMENT_TYPES = ("News Item", "Document", "File")


class FrontPageView(BrowserView):
    """Front page of the portal, registered as the site root's layout."""

    def update(self):
        folders = queries.portal_folders(self.context)
        self.listings = [
            self._listing(folders[folder_id], portal_types, limit)
            for folder_id, portal_types, limit in (
                (queries.NEWS_FOLDER_ID, NEWS_TYPES, NEWS_LIMIT),
                (
                    queries.ANNOUNCEMENTS_FOLDER_ID,
                    ANNOUNCEMENT_TYPES,
                    ANNOUNCEMENT_LIMIT,
                ),
            )
            if folder_id in folders
        ]
        self.agencies = queries.agencies()
        self.agencies_folder = folders.get(queries.AGENCIES_FOLDER_ID)
        self.portal_title = api.portal.get_registry_record("plone.site_title")

    def __call__(self):
        self.update()
        return self.index()

    def _listing(self, folder, portal_types, limit):
        """Return the folder's title, URL and latest items, ready for the
        template (dates already dd/mm/yyyy)."""
        items = []
        for brain in queries.latest_items(folder, portal_types, limit):
            published = queries.publication_date(brain)
            items.append(
                {
                    "title": brain.Title,
                    "url": brain.getURL(),
                    "description": brain.Description,
                    "date": format_date(published),
                    "iso_date": published.ISO8601(),
                }
            )
        return {
            "id": folder.getId(),
            "title": folder.Title(),
            "url": folder.absolute_url(),
            "latest": items,
        }
