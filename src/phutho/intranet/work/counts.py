"""The counts the personal bar and the front page show on every page.

One catalog count per section the person has; remembered until the
catalog changes (its counter moves with every indexing) or the day
changes, so that browsing costs no queries while nothing happens.
"""

from phutho.intranet.dates import today
from phutho.intranet.work import sections
from phutho.intranet.work.people import worker as current_worker
from plone import api
from plone.memoize import ram


def _cache_key(func, worker, context=None):
    catalog = api.portal.get_tool("portal_catalog")
    return (
        "/".join(api.portal.get().getPhysicalPath()),
        worker.user_id,
        tuple(sorted(worker.group_ids)),
        context.UID() if context is not None else None,
        catalog.getCounter(),
        today().isoformat(),
    )


@ram.cache(_cache_key)
def section_counts(worker, context=None):
    """``[(section id, count)]`` of the sections ``worker`` has, those
    shown only when not empty left out when they are."""
    result = []
    for section in sections.sections_for(worker):
        number = sections.count(section, worker, context)
        if number or sections.shown_when_empty(section, worker):
            result.append((section.id, number))
    return result


def summary(context=None):
    """``{"waiting": n, "overdue": n, "sections": [(id, count)]}`` for the
    current user (None when anonymous)."""
    worker = current_worker(context)
    if worker.anonymous:
        return None
    counts = section_counts(worker, context)
    waiting = sum(
        number
        for section_id, number in counts
        if sections.SECTIONS_BY_ID[section_id].waiting
    )
    overdue = dict(counts).get("overdue", 0)
    return {"waiting": waiting, "overdue": overdue, "sections": counts}
