"""``POST /<document>/@workflow/<transition>`` with the transition's data.

Body: ``{"comment": "...", <data>}`` or ``{"comment": "...", "data": {...}}``,
e.g. for ``assign``: ``{"lead": {"kind": "unit", "id": "<UID>", "deadline":
"2026-12-15"}, "coordinators": [...], "instructions": "..."}``. The rules
are those of the pages (see workflow/transitions.py); a refused transition
answers 400 and changes nothing.
"""

from phutho.intranet import _
from phutho.intranet.services.utils import json_object
from phutho.intranet.workflow.api import data_from_body
from phutho.intranet.workflow.api import do_transition
from phutho.intranet.workflow.data import TransitionDataError
from plone.restapi.deserializer import json_body
from plone.restapi.services.workflow.transition import WorkflowTransition
from Products.CMFCore.WorkflowCore import WorkflowException
from zope.i18n import translate

import logging
import transaction

logger = logging.getLogger("phutho.intranet.services")


class DocumentTransition(WorkflowTransition):
    """plone.restapi's transition service, passing data to the workflow."""

    def reply(self):
        if json_object(self.request) is None:
            self.request.response.setStatus(400)
            message = translate(
                _("error_data_shape", default="Transition data must be an object."),
                context=self.request,
            )
            return {"error": {"type": "BadRequest", "message": message}}
        return super().reply()

    def recurse_transition(
        self, objs, comment, publication_dates, include_children=False
    ):
        data = data_from_body(json_body(self.request))
        for obj in objs:
            try:
                do_transition(obj, self.transition, comment=comment, data=data)
            except Exception as error:
                # plone.restapi answers 400 and would commit: commit nothing.
                transaction.doom()
                if not isinstance(error, WorkflowException) or isinstance(
                    error, TransitionDataError
                ):
                    raise
                # Unknown, or not offered to this user in this state. CMF's
                # message has an unfilled ${action_id}: say it as the page does.
                logger.info("Refused %s on %s", self.transition, obj.absolute_url(1))
                raise TransitionDataError(
                    _(
                        "error_transition_not_available",
                        default="This action is not available to you on this document now.",
                    )
                )
