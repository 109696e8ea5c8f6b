"""A work calendar in every agency: made with the agency, and by the
1006 → 1007 upgrade for the agencies that exist."""

from phutho.intranet.content.agency import IAgency
from phutho.intranet.setuphandlers import AGENCIES_FOLDER_ID
from plone import api
from plone.dexterity.utils import createContent

import logging

logger = logging.getLogger("phutho.intranet.schedule")

CALENDAR_ID = "lich-cong-tac"
CALENDAR_TITLE = "Lịch công tác"  # content, in the portal's language


def calendar_of(agency):
    """The agency's work calendar, or None."""
    calendar = agency.get(CALENDAR_ID) if agency is not None else None
    return (
        calendar if getattr(calendar, "portal_type", None) == "WorkCalendar" else None
    )


def ensure_calendar(agency):
    """Make the agency's calendar if it has none; return it. Made by the
    system, whoever adds the agency (no Owner role for them)."""
    calendar = calendar_of(agency)
    if calendar is not None:
        return calendar
    obj = createContent("WorkCalendar", id=CALENDAR_ID, title=CALENDAR_TITLE)
    agency._setObject(CALENDAR_ID, obj)
    calendar = agency[CALENDAR_ID]
    owners = [p for p, roles in calendar.get_local_roles() if "Owner" in roles]
    if owners:
        calendar.manage_delLocalRoles(owners)
    calendar.reindexObject()
    return calendar


def on_agency_added(agency, event):
    """Subscriber: a new agency gets its calendar."""
    ensure_calendar(agency)


def ensure_calendars(portal=None):
    """Every agency of the agencies folder gets its calendar; returns how
    many were made."""
    portal = portal or api.portal.get()
    folder = portal.get(AGENCIES_FOLDER_ID)
    made = 0
    for agency in folder.objectValues() if folder is not None else ():
        if IAgency.providedBy(agency) and calendar_of(agency) is None:
            ensure_calendar(agency)
            made += 1
    if made:
        logger.info("Made the work calendars of %d agencies", made)
    return made
