"""``@@documents-dashboard``: "Việc của tôi", the current user's work.

On the site root it covers every agency the user works in; on an agency,
that agency only. Without ``section`` it shows every section of the user
(what waits for them and what they follow, :mod:`phutho.intranet.work.
sections`) with its count and first rows; with ``section=<id>`` one
section with its filters, sortable columns and batches. Everything comes
from catalog queries and metadata (``work/``); leaders also get the
overdue documents per unit of their agency.
"""

from phutho.intranet import _
from phutho.intranet.browser.row_badges import row_badges
from phutho.intranet.content.agency import IAgency
from phutho.intranet.content.utils import agency_units
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.forms.intake import intake_forms
from phutho.intranet.groups import unit_group_id
from phutho.intranet.permissions import AddIncomingDocument
from phutho.intranet.permissions import AddOutgoingDocument
from phutho.intranet.work import sections as work_sections
from phutho.intranet.work.people import worker as current_worker
from phutho.intranet.work.rows import DEADLINE_LABELS
from phutho.intranet.work.rows import Rows
from phutho.intranet.workflow.assignment import OPEN_STATES
from phutho.intranet.workflow.presentation import translate_title
from plone import api
from Products.Five.browser import BrowserView
from urllib.parse import urlencode
from zExceptions import Unauthorized
from zope.component import getUtility
from zope.i18n import translate
from zope.schema.interfaces import IVocabularyFactory

# Rows of each section on the overview; a section's own page batches.
OVERVIEW_ROWS = 10

PERIOD_TITLES = {
    "week": _("period_this_week", default="This week"),
    "month": _("period_this_month", default="This month"),
    "year": _("period_this_year", default="This year"),
}
COLUMN_TITLES = {
    "number": _("column_number", default="Number, symbol"),
    "title": _("label_subject", default="Subject (trích yếu)"),
    "party": _("column_party", default="From / drafting unit"),
    "date": _("column_date", default="Date"),
    "deadline": _("label_deadline", default="Deadline"),
    "state": _("label_search_state", default="State"),
    "lead": _("column_lead", default="Handled by"),
}
DATE_TITLES = {
    "incoming": _("label_arrival_date_short", default="Arrived"),
    "outgoing": _("column_drafted", default="Drafted"),
}

# Transitions whose form asks nothing but a comment: a row's button does
# them at once (a POST with the authenticator), no form in between.
DIRECT_ACTIONS = ("submit", "submit_for_signature", "sign", "start")


class DocumentsDashboard(BrowserView):
    """The dashboard page, for the site root and for an agency."""

    def __call__(self):
        if api.user.is_anonymous():
            raise Unauthorized("The dashboard is for signed-in officials.")
        self.update()
        return self.index()

    @property
    def base_url(self):
        return f"{self.context.absolute_url()}/@@documents-dashboard"

    def update(self):
        self.agency = self.context if IAgency.providedBy(self.context) else None
        self.worker = current_worker(self.context)
        self.rows = Rows()
        self.error = None
        available = work_sections.sections_for(self.worker)
        section_id = self.request.form.get("section")
        self.section = None
        if section_id:
            self.section = work_sections.SECTIONS_BY_ID.get(section_id)
            if self.section not in available:
                self.section = None
        self.summary = []
        self.sections = []
        for section in available:
            if self.section is None:
                shown = self.overview_section(section)
            else:
                shown = {
                    "id": section.id,
                    "title": section.title,
                    "count": work_sections.count(section, self.worker, self.context),
                }
            if shown["count"] or work_sections.shown_when_empty(section, self.worker):
                self.summary.append(
                    dict(
                        shown,
                        url=f"{self.base_url}?{urlencode({'section': section.id})}",
                        waiting=section.waiting,
                        current=section is self.section,
                    )
                )
                if self.section is None:
                    self.sections.append(shown)
        self.units_overdue = (
            self.overdue_by_unit()
            if self.section is None and self.worker.has("leaders")
            else []
        )
        if self.section is not None:
            self.update_section()

    def start_links(self):
        """Where new work starts, one click from the dashboard: filing an
        incoming document (its add form, the intake forms), drafting an
        outgoing one, in each of the person's agencies that allows it."""
        kinds = (
            (
                AddIncomingDocument,
                "incoming",
                "IncomingDocument",
                _(
                    "label_add_incoming",
                    default="Add an incoming document (văn bản đến)",
                ),
            ),
            (
                AddOutgoingDocument,
                "outgoing",
                "OutgoingDocument",
                _(
                    "label_add_outgoing",
                    default="Draft an outgoing document (văn bản đi)",
                ),
            ),
        )
        links, files = [], False
        agencies = [self.agency] if self.agency is not None else self.worker.agencies
        for agency in agencies:
            suffix = f" — {agency.Title()}" if len(agencies) > 1 else ""
            for permission, kind, portal_type, label in kinds:
                if not api.user.has_permission(permission, obj=agency):
                    continue
                files = files or kind == "incoming"
                links.append(
                    {
                        "id": f"add-{kind}-{agency.getId()}",
                        "title": translate(label, context=self.request) + suffix,
                        "url": f"{agency.absolute_url()}/++add++{portal_type}",
                    }
                )
        if files:
            links.extend(
                {
                    "id": f"intake-{form.getId()}",
                    "title": form.Title(),
                    "url": form.absolute_url(),
                }
                for form in intake_forms()
            )
        return links

    # -- the overview ------------------------------------------------------------

    def overview_section(self, section):
        brains, total = work_sections.search(
            section, self.worker, self.context, size=OVERVIEW_ROWS
        )
        return {
            "id": section.id,
            "title": section.title,
            "count": total,
            "rows": [self.row(brain, section) for brain in brains],
            "columns": self.columns(section),
            "incoming": section.incoming,
            "more_url": f"{self.base_url}?{urlencode({'section': section.id})}",
        }

    def overdue_by_unit(self):
        """``[{"unit", "overdue", "open", "url"}]`` of the leader's agencies'
        units: one count per unit of its open and overdue documents (those
        it leads or helps with)."""
        catalog = api.portal.get_tool("portal_catalog")
        overdue_query = work_sections.base_query(
            work_sections.SECTIONS_BY_ID["overdue"], self.worker, self.context
        )
        result = []
        for agency in self.worker.agencies:
            if not self.worker.has("leaders"):
                continue
            for unit in agency_units(agency):
                heads = unit_group_id(unit, "heads")
                late = catalog(**dict(overdue_query, assignees=heads))
                if not late.actual_result_count:
                    continue
                open_ = catalog(
                    portal_type="IncomingDocument",
                    review_state=list(OPEN_STATES),
                    assignees=heads,
                )
                query = urlencode({"section": "overdue", "unit": unit.UID()})
                result.append(
                    {
                        "unit": unit.Title(),
                        "agency": agency.Title(),
                        "overdue": late.actual_result_count,
                        "open": open_.actual_result_count,
                        "url": f"{agency.absolute_url()}/@@documents-dashboard?{query}",
                    }
                )
        return sorted(result, key=lambda r: (-r["overdue"], r["unit"]))

    # -- one section -------------------------------------------------------------

    def unit_options(self):
        agencies = [self.agency] if self.agency is not None else self.worker.agencies
        return [
            {"value": unit.UID(), "title": unit.Title()}
            for agency in agencies
            for unit in agency_units(agency)
        ]

    def update_section(self):
        section, form = self.section, self.request.form
        units = self.unit_options()
        try:
            self.filters = work_sections.read_filters(
                form, section, self.context, [u["value"] for u in units]
            )
            self.sort, self.order = work_sections.read_sort(form, section)
        except InvalidDataError as error:
            self.error = error.translated(self.request)
            self.filters, self.sort, self.order = {}, None, section.sort_order
        try:
            size = int(form.get("b_size") or work_sections.BATCH_SIZE)
            start = int(form.get("b_start") or 0)
        except ValueError:
            size, start = work_sections.BATCH_SIZE, 0
        self.size = max(1, min(size, work_sections.MAX_BATCH_SIZE))
        self.start = max(0, start)
        brains, self.total = work_sections.search(
            section,
            self.worker,
            self.context,
            self.filters,
            self.sort,
            self.order,
            self.start,
            self.size,
        )
        self.current = {
            "id": section.id,
            "title": section.title,
            "count": self.total,
            "rows": [self.row(brain, section) for brain in brains],
            "columns": self.columns(section),
            "incoming": section.incoming,
        }
        self.options = {
            "units": [
                dict(u, selected=u["value"] == self.filters.get("unit")) for u in units
            ],
            "document_types": self.vocabulary_options(
                "phutho.intranet.DocumentTypes", "document_type"
            ),
            "urgencies": self.vocabulary_options("phutho.intranet.Urgency", "urgency"),
            "states": [
                {
                    "value": state,
                    "title": self.rows.state(section.portal_type, state),
                    "selected": state == self.filters.get("state"),
                }
                for state in section.states
            ],
            "periods": [
                {
                    "value": value,
                    "title": translate(title, context=self.request),
                    "selected": value == self.filters.get("period"),
                }
                for value, title in PERIOD_TITLES.items()
            ],
        }

    def vocabulary_options(self, name, filter_name):
        vocabulary = getUtility(IVocabularyFactory, name)(self.context)
        return [
            {
                "value": term.value,
                "title": translate(term.title, context=self.request),
                "selected": term.value == self.filters.get(filter_name),
            }
            for term in vocabulary
        ]

    def filter_value(self, name):
        value = self.filters.get(name) if self.section is not None else None
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value or ""

    def query_string(self, **changes):
        """The section's URL parameters (filters, sort, batch) with
        ``changes`` (a value None drops the parameter)."""
        params = {"section": self.section.id}
        for name in work_sections.FILTERS:
            value = self.filter_value(name)
            if value:
                params[name] = "1" if value is True else value
        if self.sort:
            params["sort_on"] = self.sort
            params["sort_order"] = self.order
        if self.size != work_sections.BATCH_SIZE:
            params["b_size"] = self.size
        params.update(changes)
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})

    def sort_link(self, column):
        """``{"url", "aria_sort"}`` of a sortable column's heading: sorts
        on it, or reverses the order when it is the current one."""
        if column not in self.section.sorts:
            return None
        current = self.sort == column
        order = "ascending"
        if current:
            order = "descending" if self.order == "ascending" else "ascending"
        return {
            "url": f"{self.base_url}?{self.query_string(sort_on=column, sort_order=order, b_start=None)}",
            "aria_sort": self.order if current else "none",
            "current": current,
        }

    def batch(self):
        """Where this batch is and links to its neighbours."""
        end = min(self.start + self.size, self.total)
        previous = next_ = None
        if self.start > 0:
            previous = f"{self.base_url}?{self.query_string(b_start=max(0, self.start - self.size) or None)}"
        if end < self.total:
            next_ = f"{self.base_url}?{self.query_string(b_start=end)}"
        return {
            "first": self.start + 1 if self.total else 0,
            "last": end,
            "total": self.total,
            "previous": previous,
            "next": next_,
        }

    # -- rows --------------------------------------------------------------------

    def column_title(self, section, name):
        """A column's heading: dates and deadlines say which (arrival or
        drafting; processing or reply)."""
        title = COLUMN_TITLES[name]
        if name == "date":
            title = DATE_TITLES["incoming" if section["incoming"] else "outgoing"]
        elif name == "deadline":
            title = DEADLINE_LABELS["incoming" if section["incoming"] else "outgoing"]
        return translate(title, context=self.request)

    def column_label(self, name):
        """A cell's label, shown before it when rows stack on a phone."""
        return translate(COLUMN_TITLES[name], context=self.request)

    def progress_label(self, row):
        return translate(
            _(
                "label_progress_of",
                default="Progress: ${percent}%",
                mapping={"percent": row["progress"]},
            ),
            context=self.request,
        )

    def action_label(self, action, row):
        """A row button's accessible name: the action and the document."""
        return f"{action['title']}: {row['number_symbol'] or row['title']}"

    def columns(self, section):
        """Which columns a section's table has."""
        return {
            "party": True,
            "lead": section.incoming
            and section.id not in ("to-register", "to-submit", "to-assign"),
            "progress": section.id in ("assigned", "assigned-by-me", "due-this-week"),
            "state": section.id
            in (
                "returned",
                "assigned",
                "due-this-week",
                "assigned-by-me",
                "my-drafts",
                "overdue",
            ),
            "action": section.action is not None,
        }

    def row(self, brain, section):
        row = self.rows(brain)
        row["badges"] = row_badges(row)
        row["action"] = self.row_action(brain, section)
        return row

    def transition_title(self, section):
        """The translated title of the section's transition."""
        titles = self.__dict__.setdefault("_titles", {})
        if section.id not in titles:
            wftool = api.portal.get_tool("portal_workflow")
            title = section.action
            for workflow_id in wftool.getChainForPortalType(section.portal_type):
                transition = wftool[workflow_id].transitions.get(section.action)
                if transition is not None:
                    title = transition.title
            titles[section.id] = translate_title(title)
        return titles[section.id]

    def row_action(self, brain, section):
        """The section's next step on this document: a form to open, or a
        button that does it at once; it comes back here."""
        if section.action is None:
            return None
        title = self.transition_title(section)
        came_from = self.request.get("ACTUAL_URL", self.base_url)
        query = self.request.get("QUERY_STRING")
        if query:
            came_from = f"{came_from}?{query}"
        return {
            "id": section.action,
            "title": title,
            "url": f"{brain.getURL()}/@@transition",
            "direct": section.action in DIRECT_ACTIONS,
            "came_from": came_from,
            "query": urlencode(
                {"workflow_action": section.action, "came_from": came_from}
            ),
        }
