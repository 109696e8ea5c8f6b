"""``GET /<document>/@access-log``: who opened the document and its
files, newest first (its agency's leaders and clerks)."""

from phutho.intranet.accesslog.api import log_of
from plone.restapi.services import Service


class AccessLogGet(Service):
    def reply(self):
        return {
            "@id": f"{self.context.absolute_url()}/@access-log",
            "items": [
                dict(entry, time=entry["time"].isoformat(timespec="seconds"))
                for entry in log_of(self.context)
            ],
        }
