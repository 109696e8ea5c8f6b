"""The portal's header, agency navigation and footer contact, as viewlets.

They are ordinary viewlets of Plone's managers, registered for the add-on's
browser layer: the markup is in every page whether or not the Diazo theme
is on, and the theme's rules only move it into place.
"""

from phutho.intranet.content.utils import find_agency
from phutho.intranet.themes import queries
from plone.app.layout.viewlets.common import ViewletBase
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile

# Data, not UI text: the authority that runs the portal.
PROVINCE_AUTHORITY = "Ủy ban nhân dân tỉnh Phú Thọ"

EMBLEM_PATH = "++theme++phutho/emblem.svg"


class BrandViewlet(ViewletBase):
    """The province's brand (emblem, portal name, authority) in place of
    Plone's logo; it keeps the ``#portal-logo`` id Plone's themes expect."""

    index = ViewPageTemplateFile("templates/brand.pt")
    authority = PROVINCE_AUTHORITY

    def update(self):
        super().update()
        self.portal_name = self.portal_state.portal_title()
        self.emblem_src = f"{self.site_url}/{EMBLEM_PATH}"


class AgencyNavigationViewlet(ViewletBase):
    """The main navigation: home, news, announcements and a menu of the
    agencies, in place of Plone's folder-tree global sections.

    One capped catalog query; the agency holding the current page is
    marked as current.
    """

    index = ViewPageTemplateFile("templates/agency_navigation.pt")

    def update(self):
        super().update()
        folders = queries.portal_folders(self.portal_state.portal())
        self.links = [
            folders[folder_id]
            for folder_id in (queries.NEWS_FOLDER_ID, queries.ANNOUNCEMENTS_FOLDER_ID)
            if folder_id in folders
        ]
        self.agencies_folder = folders.get(queries.AGENCIES_FOLDER_ID)
        self.agencies = queries.agencies()
        agency = find_agency(self.context)
        self.current_agency_path = (
            "/".join(agency.getPhysicalPath()) if agency is not None else None
        )


class FooterContactViewlet(ViewletBase):
    """Who to contact: the agency holding the current page, otherwise the
    province's own agency, otherwise just the portal's name."""

    index = ViewPageTemplateFile("templates/footer_contact.pt")

    def update(self):
        super().update()
        agency = find_agency(self.context) or queries.default_agency(
            self.portal_state.portal()
        )
        if agency is None:
            self.name = self.portal_state.portal_title()
            self.contact = None
            return
        self.name = agency.title
        self.contact = {
            "address": agency.address,
            "phone": agency.phone,
            "phone_uri": (
                f"tel:{agency.phone.replace(' ', '')}" if agency.phone else None
            ),
            "email": agency.email,
            "website": agency.website,
        }
