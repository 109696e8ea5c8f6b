"""``GET /<document>/@processing-history``.

Answers ``{"@id": ..., "items": [{"action", "title", "actor",
"actor_fullname", "time", "time_local", "comment", "state", ...}]}``,
oldest first; extra keys depend on the action (assignees, deadlines,
numbers).
"""

from phutho.intranet.workflow.history import history_of
from phutho.intranet.workflow.presentation import describe_entry
from plone.restapi.serializer.converters import json_compatible
from plone.restapi.services import Service


class ProcessingHistoryGet(Service):
    def reply(self):
        items = [
            describe_entry(self.context, entry) for entry in history_of(self.context)
        ]
        return {
            "@id": f"{self.context.absolute_url()}/@processing-history",
            "items": json_compatible(items),
        }
