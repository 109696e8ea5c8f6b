"""The sections of "Việc của tôi": what waits for each official and what
they follow, as catalog queries.

A section is a fixed query (a type, states, and what ties the documents to
the person: their groups, their user id) plus the filters the person
chooses (period, type, urgency, state, unit, issuing agency, overdue),
sorted on an index and batched with ``sort_limit``. Which sections someone
gets follows the functions of their groups; the catalog's security hides
the rest (secret documents included), so the queries stay plain.

Sections that "wait" for the person (to register, to assign, to sign…)
are what the personal bar counts; the others follow work the person did
or leads (drafts on their way, what a leader assigned), so that a document
does not vanish from the dashboard once its person acted on it.
"""

from dataclasses import dataclass
from datetime import timedelta
from phutho.intranet import _
from phutho.intranet.dates import localize
from phutho.intranet.dates import parse_date
from phutho.intranet.dates import to_datetime
from phutho.intranet.dates import today
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.search.advanced import one_value
from phutho.intranet.search.advanced import words
from phutho.intranet.workflow.assignment import OPEN_STATES
from plone import api
from zope.component import getUtility
from zope.schema.interfaces import IVocabularyFactory

INCOMING = "IncomingDocument"
OUTGOING = "OutgoingDocument"
HANDLING_STATES = ("assigned", "in_progress")
DRAFT_STATES = ("draft", "review", "signing", "signed")

BATCH_SIZE = 20
MAX_BATCH_SIZE = 100


@dataclass(frozen=True)
class Section:
    """One section of the dashboard.

    ``states`` are what the state filter offers, ``default_states`` what
    is shown unfiltered; ``people`` says how the person is tied to the
    documents (``None``: the agency's documents of those states, as the
    catalog lets them see); ``action`` is the transition a row's button
    opens.
    """

    id: str
    title: object
    portal_type: str
    functions: tuple
    waiting: bool
    states: tuple
    default_states: tuple
    sort_on: str
    sort_order: str = "ascending"
    people: str = None
    action: str = None
    extra: tuple = ()
    # Columns it sorts on: those every document of the section has a value
    # for (the catalog leaves out of a sorted result what its sort index
    # lacks: a number before registration, a deadline before assignment).
    sorts: tuple = ("title", "date", "state", "modified")

    @property
    def incoming(self):
        return self.portal_type == INCOMING

    @property
    def date_index(self):
        """The index the period filter and the date column use."""
        return "arrival_date" if self.incoming else "created"


DEFAULT_SORTS = ("title", "date", "state", "modified")
# Registered incoming documents all have their arrival number.
NUMBERED = ("number", *DEFAULT_SORTS)

SECTIONS = (
    Section(
        "to-register",
        _(
            "dashboard_to_register",
            default="Incoming documents to register (chờ vào sổ)",
        ),
        INCOMING,
        ("clerks",),
        True,
        ("received",),
        ("received",),
        "arrival_date",
        action="register",
    ),
    Section(
        "to-submit",
        _(
            "dashboard_to_submit",
            default="Registered, to present to the leader (chờ trình)",
        ),
        INCOMING,
        ("clerks",),
        True,
        ("registered",),
        ("registered",),
        "arrival_date",
        action="submit",
        sorts=NUMBERED,
    ),
    Section(
        "returned",
        _("dashboard_returned", default="Returned (bị trả lại, trả về nơi gửi)"),
        INCOMING,
        ("clerks",),
        False,
        ("registered", "returned"),
        ("registered", "returned"),
        "modified",
        "descending",
        extra=(("last_transition", ("send_back", "return_to_sender")),),
    ),
    Section(
        "to-issue",
        _("dashboard_to_issue", default="Signed documents to issue (chờ phát hành)"),
        OUTGOING,
        ("clerks",),
        True,
        ("signed",),
        ("signed",),
        "modified",
        action="issue",
    ),
    Section(
        "to-assign",
        _(
            "dashboard_to_assign",
            default="Incoming documents to assign (chờ phân công)",
        ),
        INCOMING,
        ("leaders",),
        True,
        ("submitted",),
        ("submitted",),
        "arrival_date",
        action="assign",
        sorts=NUMBERED,
    ),
    Section(
        "to-sign",
        _("dashboard_to_sign", default="Drafts to sign (chờ ký)"),
        OUTGOING,
        ("leaders",),
        True,
        ("signing",),
        ("signing",),
        "modified",
        action="sign",
    ),
    Section(
        "to-review",
        _("dashboard_to_review", default="Drafts to review (chờ duyệt)"),
        OUTGOING,
        ("heads",),
        True,
        ("review",),
        ("review",),
        "modified",
        action="submit_for_signature",
    ),
    Section(
        "assigned",
        _("dashboard_assigned", default="Assigned to me or my unit (được giao xử lý)"),
        INCOMING,
        (),
        True,
        HANDLING_STATES,
        HANDLING_STATES,
        "deadline",
        people="assignees",
        sorts=NUMBERED + ("deadline",),
    ),
    Section(
        "due-this-week",
        _("dashboard_due_this_week", default="Due this week (đến hạn trong tuần)"),
        INCOMING,
        (),
        False,
        OPEN_STATES,
        OPEN_STATES,
        "deadline",
        people="assignees",
        extra=(("deadline", "this-week"),),
        sorts=NUMBERED + ("deadline",),
    ),
    Section(
        "assigned-by-me",
        _("dashboard_assigned_by_me", default="Assigned by me (tôi đã giao)"),
        INCOMING,
        ("leaders", "heads"),
        False,
        (*HANDLING_STATES, "completed"),
        (*HANDLING_STATES, "completed"),
        "modified",
        "descending",
        people="assigned_by",
        sorts=NUMBERED,
    ),
    Section(
        "my-drafts",
        _("dashboard_my_drafts", default="My drafts (dự thảo của tôi)"),
        OUTGOING,
        (),
        False,
        (*DRAFT_STATES, "issued"),
        DRAFT_STATES,
        "modified",
        "descending",
        people="drafter",
    ),
    Section(
        "overdue",
        _("dashboard_overdue", default="Overdue (quá hạn)"),
        INCOMING,
        (),
        False,
        OPEN_STATES,
        OPEN_STATES,
        "deadline",
        extra=(("deadline", "overdue"),),
        sorts=DEFAULT_SORTS + ("deadline",),
    ),
)
SECTIONS_BY_ID = {section.id: section for section in SECTIONS}

# Sections everyone gets only when something is in them: an official of
# the province's office seldom drafts, a clerk is seldom handed work.
SHOWN_WHEN_EMPTY = {
    "assigned": ("heads", "specialists"),
    "due-this-week": ("heads", "specialists"),
    "my-drafts": ("heads", "specialists"),
    "overdue": ("leaders", "heads", "specialists", "clerks"),
}

# Sortable columns: name -> index (None: the section's own date index).
SORTS = {
    "number": "register_number",
    "title": "sortable_title",
    "date": None,
    "deadline": "deadline",
    "state": "review_state",
    "modified": "modified",
}
ORDERS = ("ascending", "descending")
PERIODS = ("week", "month", "year")
FILTERS = (
    "period",
    "date_from",
    "date_to",
    "document_type",
    "urgency",
    "state",
    "unit",
    "issuer",
    "overdue",
)


def week_end(day):
    """The Sunday ending ``day``'s week (weeks start on Monday)."""
    return day + timedelta(days=6 - day.weekday())


def period_start(period, day):
    """First day of this week, month or year."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day.replace(month=1, day=1)


def sections_for(worker):
    """The sections ``worker`` gets, in the order of a day's work."""
    return [s for s in SECTIONS if worker.has(*s.functions)]


def shown_when_empty(section, worker):
    """False for the everyone-sections the person's functions do not call
    for: they appear only when something is in them."""
    needs = SHOWN_WHEN_EMPTY.get(section.id)
    return needs is None or worker.has(*needs)


def base_query(section, worker, context=None):
    """The section's own catalog query for ``worker`` (no filters)."""
    query = {
        "portal_type": section.portal_type,
        "review_state": list(section.default_states),
    }
    if section.people == "assignees":
        query["assignees"] = [worker.user_id, *sorted(worker.group_ids)]
    elif section.people is not None:
        query[section.people] = worker.user_id
    day = today()
    for index, value in section.extra:
        if value == "this-week":
            query[index] = {"query": (day, week_end(day)), "range": "min:max"}
        elif value == "overdue":
            query[index] = {"query": day - timedelta(days=1), "range": "max"}
        else:
            query[index] = list(value)
    if context is not None and context.portal_type == "Agency":
        query["path"] = "/".join(context.getPhysicalPath())
    return query


def _vocabulary(name, context):
    return [t.value for t in getUtility(IVocabularyFactory, name)(context)]


def _not_a_choice(name):
    return InvalidDataError(
        _("error_search_choice", default="Not one of the choices."), field=name
    )


def read_filters(form, section, context, units=()):
    """The filters of ``form`` (request parameters) checked: ``{name:
    value}`` of those given. Refuses (400) what no filter takes.

    ``units`` are the UIDs the unit filter may name.
    """
    filters = {}
    for name in FILTERS:
        value = one_value(form, name)
        if not value:
            continue
        if name == "period" and value not in PERIODS:
            raise _not_a_choice(name)
        if name in ("date_from", "date_to"):
            value = parse_date(value, name, _("label_period_filter", default="Period"))
        if name == "document_type" and value not in _vocabulary(
            "phutho.intranet.DocumentTypes", context
        ):
            raise _not_a_choice(name)
        if name == "urgency" and value not in _vocabulary(
            "phutho.intranet.Urgency", context
        ):
            raise _not_a_choice(name)
        if name == "state" and value not in section.states:
            raise _not_a_choice(name)
        if name == "unit" and value not in units:
            raise _not_a_choice(name)
        if name == "issuer":
            value = words(value[:200])
            if value is None or not section.incoming:
                continue
        if name == "overdue":
            if value not in ("1", "true", "on"):
                raise _not_a_choice(name)
            if not section.incoming:
                continue
            value = True
        filters[name] = value
    if (
        filters.get("date_from")
        and filters.get("date_to")
        and filters["date_to"] < filters["date_from"]
    ):
        raise InvalidDataError(
            _("error_period_order", default="The period ends before it starts."),
            field="date_to",
        )
    return filters


def read_sort(form, section):
    """``(sort name, order)`` asked, else the section's own."""
    sort = one_value(form, "sort_on")
    if sort and sort not in section.sorts:
        raise InvalidDataError(
            _("error_search_sort", default="sort on a catalog index."),
            field="sort_on",
        )
    order = one_value(form, "sort_order")
    if order and order not in ORDERS:
        raise InvalidDataError(
            _(
                "error_search_sort_order",
                default='"ascending", "descending" or "reverse".',
            ),
            field="sort_order",
        )
    return sort or None, order or section.sort_order


def apply_filters(query, section, filters):
    """Add the chosen filters to a section's query (a new dict)."""
    query = dict(query)
    day = today()
    start = end = None
    if filters.get("period"):
        start = period_start(filters["period"], day)
    if filters.get("date_from"):
        start = filters["date_from"]
    if filters.get("date_to"):
        end = filters["date_to"]
    if start or end:
        # Date-times (arrival, creation) compared with whole local days.
        low = localize(start) if start else None
        high = localize(end + timedelta(days=1)) - timedelta(seconds=1) if end else None
        low, high = to_datetime(low), to_datetime(high)
        if low and high:
            query[section.date_index] = {"query": (low, high), "range": "min:max"}
        elif low:
            query[section.date_index] = {"query": low, "range": "min"}
        else:
            query[section.date_index] = {"query": high, "range": "max"}
    for name in ("document_type", "urgency"):
        if filters.get(name):
            query[name] = filters[name]
    if filters.get("state"):
        query["review_state"] = filters["state"]
    if filters.get("unit"):
        query["handled_by" if section.incoming else "drafting_unit"] = filters["unit"]
    if filters.get("issuer"):
        query["sender_name"] = filters["issuer"]
    if filters.get("overdue"):
        query["deadline"] = {"query": day - timedelta(days=1), "range": "max"}
        states = query["review_state"]
        states = [states] if isinstance(states, str) else states
        query["review_state"] = [s for s in states if s in OPEN_STATES] or ["-"]
    return query


def search(
    section,
    worker,
    context=None,
    filters=None,
    sort=None,
    order=None,
    start=0,
    size=BATCH_SIZE,
):
    """``(brains, total)``: one batch of the section for ``worker``."""
    query = apply_filters(base_query(section, worker, context), section, filters or {})
    index = SORTS.get(sort) if sort else section.sort_on
    if sort == "date":
        index = section.date_index
    catalog = api.portal.get_tool("portal_catalog")
    results = catalog(
        sort_on=index,
        sort_order=order or section.sort_order,
        sort_limit=start + size,
        **query,
    )
    return results[start : start + size], results.actual_result_count


def count(section, worker, context=None):
    """How many documents the section holds for ``worker`` (no filters)."""
    catalog = api.portal.get_tool("portal_catalog")
    return catalog(**base_query(section, worker, context)).actual_result_count
