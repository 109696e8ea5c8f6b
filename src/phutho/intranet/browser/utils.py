"""Presentation helpers shared by the pages of this package: badges,
titles of states, people and document types, the signer line, file links
and the workflow's actions."""

from datetime import date
from datetime import datetime
from phutho.intranet import _
from phutho.intranet.content.incoming import IIncomingDocument
from phutho.intranet.content.outgoing import IOutgoingDocument
from phutho.intranet.content.outgoing import parse_recipient
from phutho.intranet.content.vocabularies import ARRIVAL_CHANNELS
from phutho.intranet.content.vocabularies import document_type_info
from phutho.intranet.content.vocabularies import SECRECY
from phutho.intranet.content.vocabularies import URGENCY
from phutho.intranet.dates import format_date
from phutho.intranet.dates import format_datetime
from phutho.intranet.workflow.presentation import fullname
from plone import api
from plone.app.uuid.utils import uuidToObject
from urllib.parse import quote
from zope.i18n import translate

import re

URGENCY_TITLES = dict(URGENCY)
SECRECY_TITLES = dict(SECRECY)
CHANNEL_TITLES = dict(ARRIVAL_CHANNELS)

# Bootstrap badge classes; "normal" urgency and secrecy get no badge.
URGENCY_CSS = {
    "urgent": "bg-warning text-dark",
    "very_urgent": "bg-danger",
    "flash": "bg-danger",
    "flash_timed": "bg-danger",
}
SECRECY_CSS = "bg-dark"
OVERDUE_CSS = "bg-danger"

ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(T[0-9:.+-]+)?$")


def urgency_badge(value):
    """``{"text", "css"}`` of a badge for a non-normal urgency, else None."""
    if not value or value == "normal":
        return None
    return {
        "text": URGENCY_TITLES.get(value, value),
        "css": URGENCY_CSS.get(value, "bg-warning"),
    }


def secrecy_badge(value):
    """Badge of a secret document (Mật, Tối mật, Tuyệt mật), else None."""
    if not value or value == "normal":
        return None
    return {"text": SECRECY_TITLES.get(value, value), "css": SECRECY_CSS}


def overdue_badge():
    return {"text": _("badge_overdue", default="Overdue (quá hạn)"), "css": OVERDUE_CSS}


def document_type_title(token):
    info = document_type_info(token) if token else None
    return info[0] if info else (token or "")


def state_title(portal_type, state, request):
    """The translated title of a workflow state of ``portal_type``."""
    wftool = api.portal.get_tool("portal_workflow")
    title = wftool.getTitleForStateOnType(state, portal_type) if state else ""
    return translate(title, domain="phutho.intranet", context=request) if title else ""


def principal_title(kind, principal_id):
    """Name of an assignee: the unit's title or the person's full name."""
    if kind == "unit":
        unit = uuidToObject(principal_id, unrestricted=True) if principal_id else None
        return unit.Title() if unit is not None else principal_id
    return fullname(principal_id)


def document_number(document):
    """Number and symbol: as received (incoming) or as issued (outgoing)."""
    if IIncomingDocument.providedBy(document):
        return document.number_symbol
    if IOutgoingDocument.providedBy(document):
        return document.symbol
    return None


def recipient_titles(document):
    """Who an outgoing document goes to: agencies in the portal, then the
    others by name."""
    internal = []
    for uid in document.internal_recipients or ():
        agency = uuidToObject(uid, unrestricted=True)
        internal.append(agency.Title() if agency is not None else uid)
    external = [
        parse_recipient(line)["name"] for line in document.external_recipients or ()
    ]
    return internal, external


def row(label, text, badge=None, url=None):
    """A labelled value of the registration block."""
    return {
        "label": label,
        "text": text,
        "url": url,
        "badges": [badge] if badge else [],
    }


def readable(value):
    """A JSON-compatible value from the history, dates as dd/mm/yyyy."""
    if isinstance(value, str) and ISO_DATE_RE.match(value):
        return (
            format_datetime(datetime.fromisoformat(value))
            if "T" in value
            else format_date(date.fromisoformat(value))
        )
    return "-" if value in (None, "") else value


def file_info(document, fieldname, label):
    """Download link of a file field, or None when it is empty."""
    named_file = getattr(document, fieldname, None)
    if not named_file:
        return None
    filename = named_file.filename or fieldname
    return {
        "label": label,
        "filename": filename,
        "url": f"{document.absolute_url()}/@@download/{fieldname}/{quote(filename)}",
    }


def workflow_actions(document, request):
    """The transitions the workflow offers the current user, in the order
    the workflow lists them, each opening its form. A head of the lead
    unit re-assigning hands the work over ("Giao xử lý")."""
    from phutho.intranet.workflow.incoming import reassign_mode
    from phutho.intranet.workflow.presentation import ACTION_TITLES

    wftool = api.portal.get_tool("portal_workflow")
    url = document.absolute_url()
    actions = []
    for transition in wftool.getTransitionsFor(document):
        title = transition["name"]
        if transition["id"] == "reassign" and reassign_mode(document) == "handover":
            title = ACTION_TITLES["handover"]
        actions.append(
            {
                "id": transition["id"],
                "title": translate(title, domain="phutho.intranet", context=request),
                "url": f"{url}/@@transition?workflow_action={quote(transition['id'])}",
            }
        )
    return actions
