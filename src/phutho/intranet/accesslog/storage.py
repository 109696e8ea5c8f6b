"""Where the access log is kept: in the site's annotations, one
``OOTreeSet`` per local day of ``(document UID, time, user id, what)``
tuples. Keys start with the UID, so one document's entries of a day are a
range lookup; a whole day is dropped at once when it is too old."""

from BTrees.OOBTree import OOBTree
from BTrees.OOBTree import OOTreeSet
from datetime import date
from datetime import datetime
from datetime import timedelta
from phutho.intranet.dates import TIMEZONE
from zope.annotation.interfaces import IAnnotations

KEY = "phutho.intranet.access_log"


def days_of(site, create=False):
    """``{"yyyy-mm-dd": OOTreeSet}`` of the site (None if none yet)."""
    annotations = IAnnotations(site)
    days = annotations.get(KEY)
    if days is None and create:
        days = annotations[KEY] = OOBTree()
    return days


def day_key(timestamp):
    return datetime.fromtimestamp(timestamp, TIMEZONE).date().isoformat()


def add(site, records):
    """Store ``records`` (``(uid, timestamp, user id, what)``)."""
    days = days_of(site, create=True)
    for record in records:
        key = day_key(record[1])
        entries = days.get(key)
        if entries is None:
            entries = days[key] = OOTreeSet()
        entries.insert(tuple(record))


def prune(site, keep_days, today=None):
    """Drop the days older than ``keep_days``; returns how many."""
    days = days_of(site)
    if not days or keep_days is None or keep_days < 1:
        return 0
    today = today or datetime.now(TIMEZONE).date()
    oldest = (today - timedelta(days=keep_days - 1)).isoformat()
    old = list(days.keys(max=oldest, excludemax=True))
    for key in old:
        del days[key]
    return len(old)


def entries_for(site, uid, since=None):
    """Stored ``(timestamp, user id, what)`` of one document, oldest
    first, from day ``since`` (a date) on."""
    days = days_of(site)
    if not days:
        return []
    first = since.isoformat() if isinstance(since, date) else None
    result = []
    for key in days.keys(min=first):
        entries = days[key]
        for record in entries.keys(min=(uid,), max=(uid, float("inf"))):
            result.append(record[1:])
    return result
