"""``POST /<document>/@workflow/<transition>`` with the transition's data.

Body: ``{"comment": "...", <data>}`` or ``{"comment": "...", "data": {...}}``,
e.g. for ``assign``: ``{"lead": {"kind": "unit", "id": "<UID>", "deadline":
"2026-12-15"}, "coordinators": [...], "instructions": "..."}``. The rules
are those of the pages (see workflow/transitions.py); a refused transition
raises a :class:`PortalError` (400, 409 for a duplicate) and changes nothing.
"""

from phutho.intranet.services.utils import json_object
from phutho.intranet.workflow.api import data_from_body
from phutho.intranet.workflow.api import do_transition
from plone.restapi.services.workflow.transition import WorkflowTransition


class DocumentTransition(WorkflowTransition):
    """plone.restapi's transition service, passing data to the workflow."""

    def reply(self):
        self.data = data_from_body(json_object(self.request))
        return super().reply()

    def recurse_transition(
        self, objs, comment, publication_dates, include_children=False
    ):
        for obj in objs:
            do_transition(obj, self.transition, comment=comment, data=self.data)
