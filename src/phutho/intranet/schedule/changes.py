"""Changes after publication: what readers must notice.

When a week is published (to the agency or to everyone), the values of
its entries are kept as published. Afterwards each entry is compared
with them: new entries, changed fields (with what was published) and
cancelled appointments are marked on the page, in print and in the
iCalendar feed; entries deleted after publication are remembered as
removed. Taking the week back to draft and publishing again starts over.
"""

from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from phutho.intranet.content.workcalendar import CalendarEntry
from phutho.intranet.content.workcalendar import IWorkWeek
from phutho.intranet.dates import now
from plone import api

PUBLISHED_STATES = ("internal", "public")


def is_published(week):
    return api.content.get_state(week, default=None) in PUBLISHED_STATES


def values_of(entry):
    return {name: getattr(entry, name, None) for name in CalendarEntry.COMPARED}


def take_snapshot(week):
    """Keep the values of the week's entries as published."""
    week.published_snapshot = PersistentMapping(
        {
            entry.getId(): PersistentMapping(values_of(entry))
            for entry in week.objectValues()
            if isinstance(entry, CalendarEntry)
        }
    )
    week.removed_after_publication = PersistentList()


def on_week_transition(week, event):
    """Subscriber: publishing keeps a snapshot; back to draft drops it."""
    if event.transition is None:
        return
    if event.new_state.id in PUBLISHED_STATES:
        if event.old_state.id not in PUBLISHED_STATES:
            take_snapshot(week)
    else:
        week.published_snapshot = None
        week.removed_after_publication = None


def on_entry_removed(entry, event):
    """Subscriber: an entry deleted from a published week is remembered
    (readers are told it no longer takes place)."""
    week = event.oldParent
    if not IWorkWeek.providedBy(week) or not week.published_snapshot:
        return
    if entry.getId() not in week.published_snapshot:
        return  # added after publication: nobody relied on it
    if week.removed_after_publication is None:
        week.removed_after_publication = PersistentList()
    week.removed_after_publication.append(
        PersistentMapping(values_of(entry), removed=now())
    )


def change_of(entry, week=None):
    """``None`` (as published), or ``{"kind": "new"|"changed"|"cancelled",
    "fields": {name: published value}}`` for an entry of a published
    week."""
    week = week if week is not None else entry.__parent__
    snapshot = getattr(week, "published_snapshot", None)
    if not snapshot:
        return None
    published = snapshot.get(entry.getId())
    if published is None:
        return {"kind": "new", "fields": {}}
    fields = {
        name: published.get(name)
        for name in CalendarEntry.COMPARED
        if name != "cancelled" and published.get(name) != getattr(entry, name, None)
    }
    if entry.cancelled and not published.get("cancelled"):
        return {"kind": "cancelled", "fields": fields}
    if fields:
        return {"kind": "changed", "fields": fields}
    return None
