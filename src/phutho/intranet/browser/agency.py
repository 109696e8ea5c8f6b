"""The page of an agency (view ``view``): how to reach it, its units and
their heads, the registers the user may see, and the ways in (add an
incoming or an outgoing document, the dashboard, search) the user has."""

from phutho.intranet import _
from phutho.intranet import permissions
from phutho.intranet.content.vocabularies import DIRECTIONS
from phutho.intranet.groups import group_member_ids
from phutho.intranet.groups import unit_group_id
from phutho.intranet.schedule.setup import calendar_of
from phutho.intranet.workflow.presentation import fullname
from plone import api
from Products.Five.browser import BrowserView
from urllib.parse import urlencode

DIRECTION_TITLES = dict(DIRECTIONS)


class AgencyView(BrowserView):
    """Default view of an Agency."""

    def __call__(self):
        self.update()
        return self.index()

    def update(self):
        self.path = "/".join(self.context.getPhysicalPath())
        self.contact = self.contact_rows()
        self.units = self.unit_rows()
        self.registers = self.register_rows()
        self.links = self.link_rows()

    def children(self, portal_type):
        """Brains of the agency's own items of a type, in folder order."""
        catalog = api.portal.get_tool("portal_catalog")
        return catalog(
            portal_type=portal_type,
            path={"query": self.path, "depth": 1},
            sort_on="getObjPositionInParent",
        )

    def contact_rows(self):
        agency = self.context
        phone = agency.phone
        rows = [
            (
                _("label_agency_code", default="Agency code (mã định danh)"),
                agency.organ_id,
                None,
            ),
            (_("label_address", default="Address"), agency.address, None),
            (
                _("label_phone", default="Phone"),
                phone,
                f"tel:{phone.replace(' ', '')}" if phone else None,
            ),
            (
                _("label_document_mailbox", default="Document mailbox (e-mail)"),
                agency.email,
                f"mailto:{agency.email}" if agency.email else None,
            ),
            (_("label_website", default="Website"), agency.website, agency.website),
        ]
        return [
            {"label": label, "text": text, "url": url}
            for label, text, url in rows
            if text
        ]

    def unit_rows(self):
        """Units with the people of their heads group (who get the work)."""
        rows = []
        for brain in self.children("Unit"):
            unit = brain.getObject()
            heads = [
                fullname(user_id)
                for user_id in group_member_ids(unit_group_id(unit, "heads"))
            ]
            rows.append(
                {
                    "title": brain.Title,
                    "short_name": unit.short_name,
                    "heads": ", ".join(sorted(heads)),
                }
            )
        return rows

    def register_rows(self):
        """The registers the user may see (clerks and leaders)."""
        rows = []
        for brain in self.children("DocumentRegister"):
            register = brain.getObject()
            rows.append(
                {
                    "title": brain.Title,
                    "url": brain.getURL(),
                    "direction": DIRECTION_TITLES.get(register.direction),
                    "secret": register.secret,
                    "open": brain.review_state == "open",
                }
            )
        return rows

    def link_rows(self):
        agency, url = self.context, self.context.absolute_url()
        links = []
        if api.user.has_permission(permissions.AddIncomingDocument, obj=agency):
            links.append(
                (
                    "add-incoming",
                    _(
                        "label_add_incoming",
                        default="Add an incoming document (văn bản đến)",
                    ),
                    f"{url}/++add++IncomingDocument",
                )
            )
        if api.user.has_permission(permissions.AddOutgoingDocument, obj=agency):
            links.append(
                (
                    "add-outgoing",
                    _(
                        "label_add_outgoing",
                        default="Draft an outgoing document (văn bản đi)",
                    ),
                    f"{url}/++add++OutgoingDocument",
                )
            )
        if not api.user.is_anonymous():
            links.append(
                (
                    "dashboard",
                    _("label_my_work", default="My work (Việc của tôi)"),
                    f"{url}/@@documents-dashboard",
                )
            )
        calendar = calendar_of(agency)
        if calendar is not None and api.user.has_permission("View", obj=calendar):
            links.append(
                (
                    "calendar",
                    _("label_work_calendar", default="Work calendar (lịch công tác)"),
                    calendar.absolute_url(),
                )
            )
        portal_url = api.portal.get().absolute_url()
        links.append(
            (
                "search",
                _("label_search_agency", default="Search this agency"),
                f"{portal_url}/@@search?{urlencode({'path': self.path})}",
            )
        )
        return [
            {"id": link_id, "title": title, "url": link_url}
            for link_id, title, link_url in links
        ]
