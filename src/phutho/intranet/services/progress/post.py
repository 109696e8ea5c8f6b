"""``POST /<incoming document>/@progress`` with ``{"text": "...",
"percent": 0-100}``: records a progress note in the processing history.
Who may: the workflow's "Add progress note" (assignees, co-ordinators, the
unit head and the leader while the document is being handled)."""

from phutho.intranet.services.utils import json_object
from phutho.intranet.workflow.presentation import describe_entry
from phutho.intranet.workflow.progress import add_progress_note
from plone.restapi.serializer.converters import json_compatible
from plone.restapi.services import Service
from zope.interface import alsoProvides

import plone.protect.interfaces


class ProgressPost(Service):
    def reply(self):
        alsoProvides(self.request, plone.protect.interfaces.IDisableCSRFProtection)
        data = json_object(self.request) or {}
        entry = add_progress_note(self.context, data.get("text"), data.get("percent"))
        self.request.response.setStatus(201)
        # The entry as @processing-history shows it.
        return json_compatible(describe_entry(self.context, entry))
