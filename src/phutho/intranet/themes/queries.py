"""Look-ups shared by the theme's viewlets and the front page.

They run on every page view, so they stay cheap: the few folders the
theme links to are fetched by their known ids (no catalog query, no tree
walk), lists come from capped catalog queries (``sort_limit`` plus a
slice). Both honour the user's permissions.
"""

from AccessControl import getSecurityManager
from phutho.intranet.content.agency import IAgency
from plone import api
from Products.CMFCore.permissions import View

NEWS_FOLDER_ID = "tin-tuc"
ANNOUNCEMENTS_FOLDER_ID = "thong-bao"
AGENCIES_FOLDER_ID = "co-quan"
PORTAL_FOLDER_IDS = (NEWS_FOLDER_ID, ANNOUNCEMENTS_FOLDER_ID, AGENCIES_FOLDER_ID)
DEFAULT_AGENCY_ID = "ubnd-tinh"

# A province has a few dozen departments and boards; communes are many more.
# Menus show the first ones and link to the agencies folder for the rest.
AGENCY_LIMIT = 40


def _viewable(obj):
    return obj is not None and getSecurityManager().checkPermission(View, obj)


def portal_folders(portal):
    """Return ``{id: folder}`` of the site-root folders the theme links to
    (news, announcements, agencies) that exist and that the user may see."""
    folders = {folder_id: portal.get(folder_id) for folder_id in PORTAL_FOLDER_IDS}
    return {
        folder_id: folder for folder_id, folder in folders.items() if _viewable(folder)
    }


def default_agency(portal):
    """Return the province's own agency (UBND tỉnh), which speaks for the
    whole portal, or None when it does not exist or is not visible."""
    folder = portal.get(AGENCIES_FOLDER_ID)
    agency = folder.get(DEFAULT_AGENCY_ID) if folder is not None else None
    return agency if IAgency.providedBy(agency) and _viewable(agency) else None


def agencies(limit=AGENCY_LIMIT):
    """Return catalog brains of the agencies the user may see, by title."""
    catalog = api.portal.get_tool("portal_catalog")
    return catalog(portal_type="Agency", sort_on="sortable_title", sort_limit=limit)[
        :limit
    ]


def latest_items(folder, portal_types, limit):
    """Return catalog brains of the ``limit`` most recently published items
    of ``portal_types`` inside ``folder``."""
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog(
        path="/".join(folder.getPhysicalPath()),
        portal_type=portal_types,
        sort_on="effective",
        sort_order="descending",
        sort_limit=limit,
    )
    return brains[:limit]


def publication_date(brain):
    """Return when a catalog result was published, or created if it is not
    published yet (editors also see their drafts in listings)."""
    if brain.EffectiveDate in (None, "None"):
        return brain.created
    return brain.effective
