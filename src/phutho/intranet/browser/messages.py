"""What a page says after an action: what happened, with its result.

"Đã vào sổ, số đến 04" and "Đã phát hành: 03/SKHCN-CNTT" rather than
"Vào sổ: đã thực hiện." — the number the clerk writes on the paper, the
person the work went to, read from the document after the action.
"""

from phutho.intranet import _
from phutho.intranet.browser.utils import principal_title
from phutho.intranet.dates import format_date
from phutho.intranet.numbering.symbol import format_number
from phutho.intranet.workflow.assignment import assignments_of

# Transitions whose message needs nothing from the document.
PLAIN = {
    "submit": _("msg_done_submit", default="Presented to the leader."),
    "send_back": _("msg_done_send_back", default="Sent back to the clerk."),
    "return_to_sender": _(
        "msg_done_return_to_sender", default="Returned to the sender."
    ),
    "start": _("msg_done_start", default="Handling started."),
    "complete": _("msg_done_complete", default="Completed."),
    "reopen": _("msg_done_reopen", default="Reopened."),
    "accept_recall": _(
        "msg_done_accept_recall", default="Withdrawn as the sender asked."
    ),
    "refuse_recall": _("msg_done_refuse_recall", default="Recall refused."),
    "submit_for_review": _(
        "msg_done_submit_for_review", default="Sent to the head of unit for review."
    ),
    "submit_for_signature": _(
        "msg_done_submit_for_signature",
        default="Presented to the leader for signature.",
    ),
    "return": _("msg_done_return", default="Returned to the drafter for revision."),
    "sign": _("msg_done_sign", default="Signed; the clerks can issue it."),
    "recall": _("msg_done_recall", default="Recalled; the recipients are told."),
}


def _latest(document, role):
    entries = [e for e in assignments_of(document, open_only=True) if e["role"] == role]
    return entries[-1] if entries else None


def done_message(document, transition, title, handover=False):
    """The message after ``transition`` ran on ``document`` (``title``:
    the action's translated title, for the transitions without their own;
    ``handover``: a head handed the work to one of the unit's people)."""
    if transition == "register" and getattr(document, "arrival_number", None):
        return _(
            "msg_done_register",
            default="Registered, arrival number ${number}.",
            mapping={"number": format_number(document.arrival_number)},
        )
    if transition == "issue" and getattr(document, "symbol", None):
        return _(
            "msg_done_issue",
            default="Issued: ${symbol}.",
            mapping={"symbol": document.symbol},
        )
    if handover:
        handler = _latest(document, "handler")
        if handler is not None:
            return _(
                "msg_done_handover",
                default="Handed over to ${name}, deadline ${deadline}.",
                mapping={
                    "name": principal_title("user", handler["id"]),
                    "deadline": format_date(handler["deadline"]) or "-",
                },
            )
    if transition in ("assign", "reassign"):
        lead = _latest(document, "lead")
        if lead is not None:
            return _(
                "msg_done_assign",
                default="Assigned to ${name}, deadline ${deadline}.",
                mapping={
                    "name": principal_title(lead["kind"], lead["id"]),
                    "deadline": format_date(lead["deadline"]) or "-",
                },
            )
    if transition in PLAIN:
        return PLAIN[transition]
    return _(
        "msg_transition_done",
        default="${action}: done.",
        mapping={"action": title},
    )
