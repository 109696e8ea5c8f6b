"""Badges of a dashboard row (a dict of :mod:`phutho.intranet.work.rows`)."""

from phutho.intranet import _
from phutho.intranet.browser.reading import signature_badge
from phutho.intranet.browser.utils import overdue_badge
from phutho.intranet.browser.utils import secrecy_badge
from phutho.intranet.browser.utils import urgency_badge

SENT_BACK_CSS = "bg-warning text-dark"
DUE_SOON_CSS = "bg-warning text-dark"


def row_badges(row):
    """Badges of a dashboard row: urgency, secrecy, overdue, sent back, signature."""
    found = [
        urgency_badge(row["urgency"]),
        secrecy_badge(row["secrecy"]),
        overdue_badge() if row["overdue"] else None,
        (
            {
                "text": _("badge_due_soon", default="Due soon (sắp đến hạn)"),
                "css": DUE_SOON_CSS,
            }
            if row["due_soon"]
            else None
        ),
        (
            {
                "text": _("badge_sent_back", default="Sent back (bị trả lại)"),
                "css": SENT_BACK_CSS,
            }
            if row["last_transition"] in ("send_back", "return")
            else None
        ),
        signature_badge(row["signature_status"]),
    ]
    return [badge for badge in found if badge]
