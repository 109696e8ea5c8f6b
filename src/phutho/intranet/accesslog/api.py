"""Reading a document's access log: stored and still pending views,
newest first, with names and local times."""

from datetime import datetime
from phutho.intranet.accesslog import storage
from phutho.intranet.accesslog import writer
from phutho.intranet.dates import TIMEZONE
from phutho.intranet.workflow.presentation import fullname
from plone import api


def log_of(document):
    """``[{"time": aware datetime, "user", "fullname", "what"}]``."""
    site = api.portal.get()
    uid = document.UID()
    entries = storage.entries_for(site, uid) + writer.pending_for(site, uid)
    entries = sorted(set(entries), reverse=True)
    names = {}
    result = []
    for timestamp, user_id, what in entries:
        if user_id not in names:
            names[user_id] = fullname(user_id)
        result.append(
            {
                "time": datetime.fromtimestamp(timestamp, TIMEZONE),
                "user": user_id,
                "fullname": names[user_id],
                "what": what,
            }
        )
    return result
