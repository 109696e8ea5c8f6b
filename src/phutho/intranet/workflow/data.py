"""Parsing and checking the data that transitions carry (from forms or JSON)."""

from datetime import date
from datetime import datetime
from phutho.intranet import _
from phutho.intranet.dates import localize
from Products.CMFCore.WorkflowCore import WorkflowException
from zope.globalrequest import getRequest
from zope.i18n import translate


class TransitionDataError(WorkflowException):
    """A transition was asked without the data it needs, or with bad data.

    A WorkflowException, so that plone.restapi's ``@workflow`` and Plone's
    own transition views report it as a refused transition.
    """

    def __init__(self, message):
        # portal_workflow re-raises errors wrapped in their own class.
        message = getattr(message, "message", message)
        super().__init__(message)
        self.message = message

    def __str__(self):
        # In the language of the request being served (Vietnamese by default).
        return translate(self.message, context=getRequest())


DEADLINE = _("label_deadline", default="Deadline")


def parse_date(value, field=DEADLINE):
    """Accept a date, ``YYYY-MM-DD`` or ``DD/MM/YYYY``; None stays None.

    ``field`` is the (translatable) label named in the error message.
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        try:  # a whole ISO date-time (clients send them): its local date
            moment = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return (localize(moment) if moment.tzinfo else moment).date()
    raise TransitionDataError(
        _(
            "error_bad_date",
            default="${field}: write the date as dd/mm/yyyy or yyyy-mm-dd.",
            mapping={"field": translate(field, context=getRequest())},
        )
    )


def require_comment(comment):
    if not (comment or "").strip():
        raise TransitionDataError(
            _("error_comment_required", default="Give a reason or comment.")
        )


def text(value, field):
    """A text value of transition data: a string (or nothing)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TransitionDataError(
            _(
                "error_text_expected",
                default="${field} must be text.",
                mapping={"field": field},
            )
        )
    return value.strip()
