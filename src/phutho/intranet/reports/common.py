"""Texts the reports share: names of people, units, agencies and types,
the signer line, recipients, state titles, the processing dates kept in a
document's history. Lower than pages: no view or request is needed (the
language is the one being served)."""

from phutho.intranet.content.outgoing import parse_recipient
from phutho.intranet.content.vocabularies import document_type_info
from phutho.intranet.content.vocabularies import SECRECY
from phutho.intranet.content.vocabularies import URGENCY
from phutho.intranet.dates import localize
from phutho.intranet.workflow.history import history_of
from phutho.intranet.workflow.presentation import fullname
from plone import api
from plone.app.uuid.utils import uuidToObject
from zope.globalrequest import getRequest
from zope.i18n import translate

URGENCY_TITLES = dict(URGENCY)
SECRECY_TITLES = dict(SECRECY)


def text(message):
    """A message in the language being served ("" for None)."""
    if not message:
        return ""
    return translate(message, domain="phutho.intranet", context=getRequest())


def type_title(token):
    info = document_type_info(token) if token else None
    return info[0] if info else (token or "")


def subject(document):
    """Tên loại và trích yếu: ``Công văn – Về việc …``."""
    return f"{type_title(document.document_type)} – {document.title}"


def signer_line(document):
    """``KT. Phó Giám đốc Nguyễn Văn A``."""
    parts = (document.signer_authority, document.signer_position, document.signer_name)
    return " ".join(part for part in parts if part)


def recipient_names(document):
    """Nơi nhận of an outgoing document: agencies of the portal, then the
    others by name."""
    names = []
    for uid in document.internal_recipients or ():
        agency = uuidToObject(uid, unrestricted=True)
        names.append(agency.Title() if agency is not None else uid)
    for line in document.external_recipients or ():
        try:
            names.append(parse_recipient(line)["name"])
        except Exception:  # a line stored before the rule: show it as it is
            names.append(line)
    return names


class Names:
    """Titles of units and full names of people, looked up once per report."""

    def __init__(self):
        self._cache = {}

    def __call__(self, kind, principal):
        key = (kind, principal)
        if key not in self._cache:
            if kind == "unit":
                unit = uuidToObject(principal, unrestricted=True) if principal else None
                self._cache[key] = unit.Title() if unit is not None else principal
            else:
                self._cache[key] = fullname(principal) or ""
        return self._cache[key]


def state_title(portal_type, state):
    wftool = api.portal.get_tool("portal_workflow")
    title = wftool.getTitleForStateOnType(state, portal_type) if state else ""
    return text(title)


def history_time(document, actions, last=False, history=None):
    """Local time of the first (or ``last``) history entry whose action
    is one of ``actions``, or None. ``history``: the entries if already
    read (a report reads them once per document)."""
    found = None
    for entry in history if history is not None else history_of(document):
        if entry.get("action") in actions:
            found = entry
            if not last:
                break
    return localize(found["time"]) if found is not None else None


def handover_time(document, history=None):
    """Ngày chuyển: when the document was handed over to whoever handles
    it. An incoming document: its first assignment (the leader hands it to
    the lead unit or person); an outgoing one: its issue (sent to the
    recipients)."""
    if document.portal_type == "IncomingDocument":
        return history_time(document, ("assign",), history=history)
    return history_time(document, ("issue",), last=True, history=history)


def completion_time(document, history=None):
    """When the handling was last completed, or None."""
    return history_time(document, ("complete",), last=True, history=history)


def latest_progress(document, history=None):
    """The last progress percent recorded, or None."""
    percent = None
    for entry in history if history is not None else history_of(document):
        if entry.get("action") == "progress" and entry.get("percent") is not None:
            percent = entry["percent"]
    return percent


def reply_symbols(document, history=None):
    """Số, ký hiệu of the replies recorded at completion (newest last)."""
    symbols = []
    for entry in history if history is not None else history_of(document):
        symbol = entry.get("reply_symbol")
        if entry.get("action") == "complete" and symbol and symbol not in symbols:
            symbols.append(symbol)
    return symbols
