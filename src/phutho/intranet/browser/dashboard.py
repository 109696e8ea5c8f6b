"""``@@documents-dashboard``: "Việc của tôi", the current user's pending work.

On the site root it covers every agency the user works in; on an agency,
that agency only. Each section is one catalog query capped at
:data:`LIMIT` rows (with the total count); the catalog's security already
hides what the user may not see, secret documents included, so the queries
are plain. Which sections a user gets follows the functions of the groups
they are in (clerks, leaders, heads of unit); what is assigned to them and
what is overdue is for everyone.
"""

from datetime import timedelta
from phutho.intranet import _
from phutho.intranet.browser.reading import signature_badge
from phutho.intranet.browser.utils import overdue_badge
from phutho.intranet.browser.utils import secrecy_badge
from phutho.intranet.browser.utils import urgency_badge
from phutho.intranet.content.agency import IAgency
from phutho.intranet.dates import format_date
from phutho.intranet.dates import localize
from phutho.intranet.dates import today
from phutho.intranet.groups import AGENCY_FUNCTIONS
from phutho.intranet.groups import agency_group_ids
from phutho.intranet.groups import UNIT_FUNCTIONS
from phutho.intranet.workflow.assignment import OPEN_STATES
from plone import api
from plone.app.uuid.utils import uuidToObject
from Products.Five.browser import BrowserView
from zExceptions import Unauthorized

LIMIT = 20

HANDLING_STATES = ("assigned", "in_progress")

# Group functions, longest first: "secret-clerks" is also "clerks".
FUNCTIONS = sorted((*AGENCY_FUNCTIONS, *UNIT_FUNCTIONS), key=len, reverse=True)


def brain_date(value):
    """A date column of a brain as dd/mm/yyyy (missing values are falsy)."""
    return format_date(value) if value else ""


def functions_of(group_ids):
    """The functions (``clerks``, ``leaders``, ``heads``…) that the given
    agency and unit groups stand for (their ids end with the function)."""
    return {
        function
        for group_id in group_ids
        for function in FUNCTIONS
        if group_id.endswith(f"-{function}")
    }


class DocumentsDashboard(BrowserView):
    """The dashboard page, for the site root and for an agency."""

    def __call__(self):
        if api.user.is_anonymous():
            raise Unauthorized("The dashboard is for signed-in officials.")
        self.update()
        return self.index()

    def update(self):
        user = api.user.get_current()
        self.agency = self.context if IAgency.providedBy(self.context) else None
        group_ids = set(user.getGroups())
        if self.agency is not None:
            group_ids &= set(agency_group_ids(self.agency))
        functions = functions_of(group_ids)
        self.today = today()
        self.sections = [
            self.section(section_id, title, query, sort_on)
            for section_id, title, needs, query, sort_on in self.section_specs(
                user.getId(), group_ids
            )
            if needs is None or needs in functions
        ]

    def section_specs(self, user_id, group_ids):
        """``(id, title, function needed or None, query, sort index)`` of
        each section, in the order of a day's work."""
        incoming = {"portal_type": "IncomingDocument"}
        outgoing = {"portal_type": "OutgoingDocument"}
        yesterday = self.today - timedelta(days=1)  # deadlines are indexed as dates
        return (
            (
                "to-register",
                _(
                    "dashboard_to_register",
                    default="Incoming documents to register (chờ vào sổ)",
                ),
                "clerks",
                dict(incoming, review_state="received"),
                "arrival_date",
            ),
            (
                "to-assign",
                _(
                    "dashboard_to_assign",
                    default="Incoming documents to assign (chờ phân công)",
                ),
                "leaders",
                dict(incoming, review_state="submitted"),
                "arrival_date",
            ),
            (
                "assigned",
                _(
                    "dashboard_assigned",
                    default="Assigned to me or my unit (được giao xử lý)",
                ),
                None,
                dict(
                    incoming,
                    review_state=HANDLING_STATES,
                    assignees=[user_id, *sorted(group_ids)],
                ),
                "deadline",
            ),
            (
                "overdue",
                _("dashboard_overdue", default="Overdue (quá hạn)"),
                None,
                dict(
                    incoming,
                    review_state=OPEN_STATES,
                    deadline={"query": yesterday, "range": "max"},
                ),
                "deadline",
            ),
            (
                "to-review",
                _("dashboard_to_review", default="Drafts to review (chờ duyệt)"),
                "heads",
                dict(outgoing, review_state="review"),
                "modified",
            ),
            (
                "to-sign",
                _("dashboard_to_sign", default="Drafts to sign (chờ ký)"),
                "leaders",
                dict(outgoing, review_state="signing"),
                "modified",
            ),
            (
                "to-issue",
                _(
                    "dashboard_to_issue",
                    default="Signed documents to issue (chờ phát hành)",
                ),
                "clerks",
                dict(outgoing, review_state="signed"),
                "modified",
            ),
        )

    def section(self, section_id, title, query, sort_on):
        catalog = api.portal.get_tool("portal_catalog")
        if self.agency is not None:
            query = dict(query, path="/".join(self.agency.getPhysicalPath()))
        results = catalog(sort_on=sort_on, sort_limit=LIMIT, **query)
        return {
            "id": section_id,
            "title": title,
            "count": results.actual_result_count,
            "rows": [self.row(brain) for brain in results[:LIMIT]],
        }

    def row(self, brain):
        """What a row shows, from the brain's metadata (the drafting unit of
        an outgoing document is not in the catalog: read from the object)."""
        incoming = brain.portal_type == "IncomingDocument"
        deadline = localize(brain.deadline).date() if brain.deadline else None
        overdue = (
            incoming
            and deadline is not None
            and deadline < self.today
            and brain.review_state in OPEN_STATES
        )
        if incoming:
            party = brain.sender_name or ""
        else:
            uid = brain.getObject().drafting_unit
            unit = uuidToObject(uid, unrestricted=True) if uid else None
            party = unit.Title() if unit is not None else ""
        badges = [
            badge
            for badge in (
                urgency_badge(brain.urgency),
                secrecy_badge(brain.secrecy),
                overdue_badge() if overdue else None,
                # A PDF signature that fails (issue 15, jobs/indexers.py).
                signature_badge(getattr(brain, "signature_status", None)),
            )
            if badge
        ]
        return {
            "url": brain.getURL(),
            "title": brain.Title,
            "number_symbol": brain.number_symbol or "",
            "arrival_number": (brain.register_number or None) if incoming else None,
            "party": party,
            "document_date": brain_date(brain.document_date),
            "arrival_date": brain_date(brain.arrival_date),
            "deadline": format_date(deadline),
            "badges": badges,
        }
