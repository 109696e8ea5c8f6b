"""What each transition requires and what it does.

Plone's workflow tool runs every transition, whoever asks (a page, the
REST API, a script); these subscribers make the rules hold for all of them:
``before`` checks the transition's data and refuses it with a clear
message, ``after`` applies it (numbers, assignments, deliveries), writes the
processing history and refreshes local roles. Data arrives in the
transition's keyword arguments: ``doActionFor(doc, id, comment=..., data={...})``.
The rules themselves are in ``incoming.py`` and ``outgoing.py``.
"""

from phutho.intranet import _
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.workflow import incoming
from phutho.intranet.workflow import outgoing
from phutho.intranet.workflow.history import record
from phutho.intranet.workflow.localroles import reindex_security
from phutho.intranet.workflow.localroles import update_local_roles
from plone import api

import logging

logger = logging.getLogger("phutho.intranet.workflow")

# Where the before-subscriber leaves what its validator prepared for the
# after-subscriber: the transition's own keyword arguments.
PREPARED = "_phutho_prepared"

RULES = {
    "IncomingDocument": incoming.RULES,
    "OutgoingDocument": outgoing.RULES,
}


def rule(portal_type, transition):
    """``(validator, effect)`` of a transition; each may be None."""
    return RULES.get(portal_type, {}).get(transition, (None, None))


def comment_required(portal_type, transition):
    """True when the transition refuses to run without a comment (pages
    mark the field as required)."""
    validator = rule(portal_type, transition)[0]
    return validator in (
        incoming.validate_comment,
        incoming.validate_refuse_recall,
        outgoing.validate_comment,
    )


def before_transition(document, event):
    """Refuse a transition whose data is missing or wrong."""
    if event.transition is None:  # the initial state, at creation
        return
    kwargs = event.kwargs if event.kwargs is not None else {}
    data = kwargs.get("data") or {}
    if not isinstance(data, dict):
        raise InvalidDataError(
            _("error_data_shape", default="Transition data must be an object.")
        )
    validator = rule(document.portal_type, event.transition.id)[0]
    prepared = validator(document, data, kwargs.get("comment", "")) if validator else {}
    kwargs[PREPARED] = prepared


def after_transition(document, event):
    """Apply the transition, record it, refresh roles and the catalog."""
    if event.transition is None:
        return
    kwargs = event.kwargs if event.kwargs is not None else {}
    comment = kwargs.get("comment", "")
    effect = rule(document.portal_type, event.transition.id)[1]
    details = effect(document, kwargs.get(PREPARED, {}), comment) if effect else {}
    record(
        document,
        event.transition.id,
        comment=comment,
        state=event.new_state.id,
        **details,
    )
    update_local_roles(document, reindex=False)
    reindex_security(document)
    document.reindexObject()
    user = api.user.get_current()
    logger.info(
        "%s: %s -> %s by %s",
        "/".join(document.getPhysicalPath()),
        event.transition.id,
        event.new_state.id,
        user.getId() if user is not None else None,
    )
