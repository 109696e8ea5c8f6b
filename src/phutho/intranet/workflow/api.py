"""Run a document transition with its data."""

from phutho.intranet import _
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.exc import WorkflowRefusedError
from phutho.intranet.workflow.data import text
from plone import api
from Products.CMFCore.WorkflowCore import WorkflowException

import logging

logger = logging.getLogger("phutho.intranet.workflow")

# Body keys of ``@workflow`` that are plone.restapi's own, not transition data.
RESERVED_KEYS = frozenset(
    {"comment", "include_children", "effective", "expires", "data"}
)


def do_transition(document, transition, comment="", data=None):
    """Run ``transition`` on ``document`` with ``data`` (see transitions.py).

    Raises :class:`InvalidDataError` for bad data and
    :class:`WorkflowRefusedError` when the workflow does not offer the
    transition to the current user. Refusals happen before anything
    changes (the checks run before the state does); for any other error
    the caller must not commit: pages and services doom the transaction,
    scripts abort it.
    """
    if not transition or not isinstance(transition, str):
        raise ValueError("A transition id is required")
    if data is not None and not isinstance(data, dict):
        raise InvalidDataError(
            _("error_data_shape", default="Transition data must be an object.")
        )
    comment = text(comment, "comment")
    wftool = api.portal.get_tool("portal_workflow")
    try:
        wftool.doActionFor(document, transition, comment=comment, data=data or {})
    except WorkflowException as error:
        # Unknown, or not offered to this user in this state. CMF's
        # message has an unfilled ${action_id}: say it plainly.
        logger.info("Refused %s on %s: %s", transition, document.absolute_url(1), error)
        raise WorkflowRefusedError(
            _(
                "error_transition_not_available",
                default="This action is not available to you on this document now.",
            )
        ) from error


def data_from_body(body):
    """Transition data from a JSON body: its ``data`` object, or else every
    key that is not one of plone.restapi's own."""
    if not isinstance(body, dict):
        raise InvalidDataError(
            _("error_data_shape", default="Transition data must be an object.")
        )
    if "data" in body:
        if not isinstance(body["data"], dict):
            raise InvalidDataError(
                _("error_data_shape", default="Transition data must be an object."),
                field="data",
            )
        return body["data"]
    return {k: v for k, v in body.items() if k not in RESERVED_KEYS}
