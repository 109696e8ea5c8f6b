"""Run a document transition with its data."""

from phutho.intranet import _
from phutho.intranet.workflow.data import text
from phutho.intranet.workflow.data import TransitionDataError
from plone import api

# Body keys of ``@workflow`` that are plone.restapi's own, not transition data.
RESERVED_KEYS = frozenset(
    {"comment", "include_children", "effective", "expires", "data"}
)


def do_transition(document, transition, comment="", data=None):
    """Run ``transition`` on ``document`` with ``data`` (see transitions.py).

    Raises ``WorkflowException`` (``TransitionDataError`` for bad data).
    Refusals happen before anything changes (the checks run before the
    state does); for any other error the caller must not commit: pages and
    services doom the transaction, scripts abort it.
    """
    if not transition:
        raise ValueError("A transition is required")
    if data is not None and not isinstance(data, dict):
        raise TransitionDataError(
            _("error_data_shape", default="Transition data must be an object.")
        )
    comment = text(comment, "comment")
    wftool = api.portal.get_tool("portal_workflow")
    wftool.doActionFor(document, transition, comment=comment or "", data=data or {})


def data_from_body(body):
    """Transition data from a JSON body: its ``data`` object, or else every
    key that is not one of plone.restapi's own."""
    if not isinstance(body, dict):
        raise TransitionDataError(
            _("error_data_shape", default="Transition data must be an object.")
        )
    if isinstance(body.get("data"), dict):
        return body["data"]
    return {k: v for k, v in body.items() if k not in RESERVED_KEYS}
