"""A document as a dashboard or search row: plain values from the brain's
metadata only (no object is woken), titles in the language served.

Pages add their badges and links; the REST services return these dicts
as they are.
"""

from datetime import timedelta
from phutho.intranet import _
from phutho.intranet.dates import format_date
from phutho.intranet.dates import localize
from phutho.intranet.dates import today
from phutho.intranet.numbering.symbol import format_number
from phutho.intranet.reports.common import state_title
from phutho.intranet.reports.common import text
from phutho.intranet.reports.common import type_title
from phutho.intranet.workflow.assignment import OPEN_STATES
from plone import api
from plone.app.uuid.utils import uuidToObject
from zope.globalrequest import getRequest
from zope.i18n import translate

import Missing

DIRECTIONS = {
    "IncomingDocument": ("incoming", _("direction_incoming_short", default="Incoming")),
    "OutgoingDocument": ("outgoing", _("direction_outgoing_short", default="Outgoing")),
}
DEADLINE_LABELS = {
    "incoming": _("label_processing_deadline", default="Processing deadline"),
    "outgoing": _("label_reply_deadline_short", default="Reply by"),
}


def _value(brain, name):
    """A metadata column's value; None where the brain has none (columns
    of other types are Missing.Value)."""
    value = getattr(brain, name, None)
    return None if value is Missing.Value else value


def _date(value):
    """A date column (date or DateTime) as a date, or None."""
    if not value:
        return None
    if hasattr(value, "timeTime"):
        return localize(value).date()
    return value


class Rows:
    """Turns brains into rows; caches the titles it looks up (states,
    units) for one page."""

    def __init__(self):
        self._states = {}
        self._units = {}
        self.today = today()

    def state(self, portal_type, state):
        key = (portal_type, state)
        if key not in self._states:
            wftool = api.portal.get_tool("portal_workflow")
            title = wftool.getTitleForStateOnType(state, portal_type) if state else ""
            text_ = state_title(portal_type, state)
            if title and text_ == title:  # not ours: Plone's workflows
                text_ = translate(title, domain="plone", context=getRequest())
            self._states[key] = text_
        return self._states[key]

    def unit(self, uid):
        if not uid:
            return ""
        if uid not in self._units:
            unit = uuidToObject(uid, unrestricted=True)
            self._units[uid] = unit.Title() if unit is not None else ""
        return self._units[uid]

    def __call__(self, brain):
        portal_type = brain.portal_type
        direction, direction_title = DIRECTIONS.get(portal_type, (None, None))
        incoming = direction == "incoming"
        deadline = _date(_value(brain, "deadline"))
        state = _value(brain, "review_state")
        overdue = bool(
            incoming
            and deadline is not None
            and deadline < self.today
            and state in OPEN_STATES
        )
        number = _value(brain, "register_number")
        arrival_number = (
            format_number(number)
            if incoming and isinstance(number, int) and number > 0
            else None
        )
        created = _date(brain.created)
        arrival = _date(_value(brain, "arrival_date"))
        document_date = _date(_value(brain, "document_date"))
        if incoming:
            party = _value(brain, "sender_name") or ""
        else:
            party = self.unit(_value(brain, "drafting_unit"))
        progress = _value(brain, "progress")
        return {
            "@id": brain.getURL(),
            "UID": brain.UID,
            "@type": portal_type,
            "title": brain.Title,
            "direction": direction,
            "direction_title": text(direction_title),
            "number_symbol": _value(brain, "number_symbol") or "",
            "arrival_number": arrival_number,
            "document_type": _value(brain, "document_type"),
            "document_type_title": type_title(_value(brain, "document_type")),
            "urgency": _value(brain, "urgency"),
            "secrecy": _value(brain, "secrecy"),
            "party": party,
            "issuer": _value(brain, "issuer") or party,
            "document_date": format_date(document_date),
            "arrival_date": format_date(arrival),
            "created": format_date(created),
            "date": format_date(arrival if incoming else document_date or created),
            "deadline": format_date(deadline),
            "deadline_label": text(DEADLINE_LABELS.get(direction)),
            "due_soon": bool(
                deadline is not None
                and not overdue
                and state in OPEN_STATES
                and deadline <= self.today + timedelta(days=2)
            ),
            "overdue": overdue,
            "review_state": state,
            "state_title": self.state(portal_type, state),
            "last_transition": _value(brain, "last_transition"),
            "lead": _value(brain, "work_lead") or "",
            "progress": progress if isinstance(progress, int) else None,
            "signature_status": _value(brain, "signature_status"),
        }
