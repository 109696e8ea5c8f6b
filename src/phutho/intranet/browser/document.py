"""The page of an incoming or outgoing document (view ``view``).

Everything shown comes from the document and the workflow package's
readers (assignments, processing history, delivery status); the actions
are the transitions the workflow offers the current user, each opening
``@@transition``. Small presentation helpers used by the other pages of
this package (badges, names, signer line) live here too.
"""

from phutho.intranet import _
from phutho.intranet import permissions
from phutho.intranet.browser.utils import CHANNEL_TITLES
from phutho.intranet.browser.utils import document_number
from phutho.intranet.browser.utils import document_type_title
from phutho.intranet.browser.utils import file_info
from phutho.intranet.browser.utils import overdue_badge
from phutho.intranet.browser.utils import principal_title
from phutho.intranet.browser.utils import readable
from phutho.intranet.browser.utils import recipient_titles
from phutho.intranet.browser.utils import row
from phutho.intranet.browser.utils import secrecy_badge
from phutho.intranet.browser.utils import SECRECY_TITLES
from phutho.intranet.browser.utils import state_title
from phutho.intranet.browser.utils import urgency_badge
from phutho.intranet.browser.utils import URGENCY_TITLES
from phutho.intranet.browser.utils import workflow_actions
from phutho.intranet.content.incoming import IIncomingDocument
from phutho.intranet.content.outgoing import IOutgoingDocument
from phutho.intranet.dates import format_date
from phutho.intranet.dates import format_datetime
from phutho.intranet.dates import parse_date
from phutho.intranet.dates import today
from phutho.intranet.reports.common import signer_line
from phutho.intranet.workflow.assignment import assignments_of
from phutho.intranet.workflow.assignment import is_overdue
from phutho.intranet.workflow.assignment import OPEN_STATES
from phutho.intranet.workflow.correction import correctable_fields
from phutho.intranet.workflow.delivery import delivery_status
from phutho.intranet.workflow.history import history_of
from phutho.intranet.workflow.presentation import describe_entry
from phutho.intranet.workflow.presentation import fullname
from plone import api
from plone.app.uuid.utils import uuidToObject
from Products.Five.browser import BrowserView
from zope.i18n import translate

# The Annex type's add permission; document workflows grant it per state.
ADD_ANNEX = "plone.app.contenttypes: Add File"


SIGNER_LABEL = _("fieldset_signer", default="Signer")
ROLE_TITLES = {
    "lead": _("assignment_role_lead", default="Lead (chủ trì)"),
    "coordinator": _("assignment_role_coordinator", default="Co-ordinator (phối hợp)"),
    "handler": _("assignment_role_handler", default="Handler (xử lý)"),
}

# A recall's course at the recipient (edXML status codes, QCVN 102:2016).
RECALL_TITLES = {
    "13": _("recall_13", default="Recall requested"),
    "15": _("recall_15", default="Recall accepted"),
    "16": _("recall_16", default="Recall refused"),
}

# Relations between documents, by field: (label from the source's side,
# label from the target's side).
RELATION_TITLES = {
    "related_documents": (
        _("label_related_documents", default="Related documents"),
        _("label_related_from", default="Referred to by"),
    ),
    "in_reply_to": (
        _("label_in_reply_to", default="In reply to"),
        _("label_replies", default="Replies"),
    ),
    "replaces": (
        _("label_replaces", default="Replaces"),
        _("label_replaced_by", default="Replaced by"),
    ),
}


# -- the page --------------------------------------------------------------------


class DocumentView(BrowserView):
    """Default view of IncomingDocument and OutgoingDocument."""

    def __call__(self):
        self.update()
        return self.index()

    def update(self):
        context = self.context
        self.incoming = IIncomingDocument.providedBy(context)
        self.state = api.content.get_state(context)
        self.state_title = state_title(context.portal_type, self.state, self.request)
        self.overdue = self.incoming and is_overdue(context, self.state)
        self.badges = [
            badge
            for badge in (
                urgency_badge(context.urgency),
                secrecy_badge(context.secrecy),
                overdue_badge() if self.overdue else None,
            )
            if badge
        ]
        if self.incoming:
            self.fields = self.incoming_fields()
            self.assignments = self.open_assignments()
            self.files = [
                file_info(context, "main_file", IIncomingDocument["main_file"].title)
            ]
            self.delivery = []
            self.content = None
        else:
            self.fields = self.outgoing_fields()
            self.assignments = []
            self.files = [
                file_info(
                    context, "signed_file", IOutgoingDocument["signed_file"].title
                ),
                file_info(context, "draft_file", IOutgoingDocument["draft_file"].title),
            ]
            self.delivery = self.delivery_rows()
            self.content = context.content
        self.files = [info for info in self.files if info]
        self.annexes = self.annex_links()
        self.related = self.related_groups()
        self.notices = self.sender_notices() if self.incoming else []
        self.history = [self.history_item(entry) for entry in history_of(context)]
        self.actions = self.workflow_actions()
        self.tools = self.document_tools()

    # -- registration data, in the order a clerk reads it --

    def register_row(self, label):
        uid = self.context.register
        register = uuidToObject(uid, unrestricted=True) if uid else None
        if register is None:
            return None
        url = (
            register.absolute_url()
            if api.user.has_permission("View", obj=register)
            else None
        )
        return row(label, register.Title(), url=url)

    def common_rows(self, schema):
        """Type, urgency and secrecy: what both kinds of document have."""
        doc = self.context
        urgency, secrecy = urgency_badge(doc.urgency), secrecy_badge(doc.secrecy)
        return [
            row(schema["document_type"].title, document_type_title(doc.document_type)),
            row(
                schema["urgency"].title,
                None if urgency else URGENCY_TITLES.get(doc.urgency),
                urgency,
            ),
            row(
                schema["secrecy"].title,
                None if secrecy else SECRECY_TITLES.get(doc.secrecy),
                secrecy,
            ),
        ]

    def incoming_fields(self):
        doc, schema = self.context, IIncomingDocument
        sender = doc.sender_name
        if doc.sender_organ_id:
            sender = f"{sender} ({doc.sender_organ_id})"
        rows = [
            self.register_row(schema["register"].title),
            row(schema["arrival_number"].title, doc.arrival_number),
            row(schema["arrival_date"].title, format_datetime(doc.arrival_date)),
            row(schema["channel"].title, CHANNEL_TITLES.get(doc.channel)),
            row(schema["number_symbol"].title, doc.number_symbol),
            row(schema["sender_name"].title, sender),
            row(schema["document_date"].title, format_date(doc.document_date)),
            *self.common_rows(schema),
            # The deadline registered with the document; the assignments'
            # own deadlines show with each assignment.
            row(
                schema["processing_deadline"].title,
                format_date(doc.processing_deadline),
                overdue_badge() if self.own_deadline_passed() else None,
            ),
            row(SIGNER_LABEL, signer_line(doc)),
            row(schema["recipients"].title, "; ".join(doc.recipients or ())),
            row(schema["page_count"].title, doc.page_count),
        ]
        return [r for r in rows if r is not None and (r["text"] or r["badges"])]

    def outgoing_fields(self):
        doc, schema = self.context, IOutgoingDocument
        internal, external = recipient_titles(doc)
        unit = (
            uuidToObject(doc.drafting_unit, unrestricted=True)
            if doc.drafting_unit
            else None
        )
        rows = [
            self.register_row(schema["register"].title),
            row(schema["symbol"].title, doc.symbol),
            row(schema["issued_date"].title, format_date(doc.issued_date)),
            *self.common_rows(schema),
            row(
                schema["drafting_unit"].title,
                unit.Title() if unit is not None else None,
            ),
            row(schema["drafter"].title, fullname(doc.drafter)),
            row(SIGNER_LABEL, signer_line(doc)),
            row(schema["internal_recipients"].title, "; ".join(internal)),
            row(schema["external_recipients"].title, "; ".join(external)),
            row(schema["copies"].title, doc.copies),
            row(schema["reply_deadline"].title, format_date(doc.reply_deadline)),
            row(schema["page_count"].title, doc.page_count),
        ]
        return [r for r in rows if r is not None and (r["text"] or r["badges"])]

    def own_deadline_passed(self):
        deadline = self.context.processing_deadline
        return bool(deadline and deadline < today() and self.state in OPEN_STATES)

    def open_assignments(self):
        return [
            {
                "role": ROLE_TITLES.get(entry["role"], entry["role"]),
                "name": principal_title(entry["kind"], entry["id"]),
                "deadline": format_date(entry.get("deadline")),
                "instructions": entry.get("instructions"),
            }
            for entry in assignments_of(self.context, open_only=True)
        ]

    # -- files, relations, delivery --

    def annex_links(self):
        """Annexes of the document (a catalog query of its own children)."""
        catalog = api.portal.get_tool("portal_catalog")
        brains = catalog(
            portal_type="Annex",
            path={"query": "/".join(self.context.getPhysicalPath()), "depth": 1},
            sort_on="getObjPositionInParent",
        )
        return [
            {
                "title": brain.Title or brain.getId,
                "size": brain.getObjSize,
                "url": f"{brain.getURL()}/@@download/file",
            }
            for brain in brains
        ]

    def related_groups(self):
        """Documents linked to this one, either way, that the user may see."""
        groups = []
        for side, query in (
            (0, {"source": self.context}),
            (1, {"target": self.context}),
        ):
            relations = api.relation.get(as_dict=True, **query)
            for name, titles in RELATION_TITLES.items():
                items = []
                for relation in relations.get(name, ()):
                    obj = relation.to_object if side == 0 else relation.from_object
                    if obj is None:
                        continue
                    items.append(
                        {
                            "title": obj.Title(),
                            "number": document_number(obj),
                            "url": obj.absolute_url(),
                        }
                    )
                if items:
                    groups.append({"label": titles[side], "documents": items})
        return groups

    def delivery_rows(self):
        return [
            {
                "agency": item["agency_title"],
                "code": item["status_code"],
                "title": item["status_title"],
                "state": state_title("IncomingDocument", item["state"], self.request),
                "recall_code": item.get("recall_code"),
                "recall": RECALL_TITLES.get(item.get("recall_code")),
            }
            for item in delivery_status(self.context)
        ]

    # -- processing history --

    def history_item(self, entry):
        item = describe_entry(self.context, entry)
        item["details"] = self.entry_details(entry)
        return item

    def entry_details(self, entry):
        """The parts of a history entry worth reading, as ``{label, text}``:
        numbers, assignees with their deadlines, instructions, corrections."""
        details = []

        def add(label, value):
            if value not in (None, "", [], {}):
                details.append({"label": label, "text": value})

        add(_("label_register", default="Register (sổ)"), entry.get("register"))
        add(IIncomingDocument["arrival_number"].title, entry.get("arrival_number"))
        add(IOutgoingDocument["symbol"].title, entry.get("symbol"))
        add(IOutgoingDocument["signer_name"].title, entry.get("signer"))
        assignees = [
            "{role}: {name}{deadline}".format(
                role=translate(
                    ROLE_TITLES.get(a["role"], a["role"]), context=self.request
                ),
                name=principal_title(a["kind"], a["id"]),
                deadline=(
                    f" ({format_date(parse_date(a['deadline']))})"
                    if a.get("deadline")
                    else ""
                ),
            )
            for a in entry.get("assignees") or ()
        ]
        add(_("label_assignees", default="Assigned to"), "; ".join(assignees))
        add(
            _("label_instructions", default="Instructions (ý kiến chỉ đạo)"),
            entry.get("instructions"),
        )
        if entry.get("percent") is not None:
            add(_("label_progress", default="Progress"), f"{entry['percent']}%")
        fields = correctable_fields(self.context)
        changes = [
            f"{translate(fields[name].title, context=self.request) if name in fields else name}: "
            f"{readable(change.get('old'))} → {readable(change.get('new'))}"
            for name, change in (entry.get("changes") or {}).items()
        ]
        add(_("label_changes", default="Changes"), "; ".join(changes))
        add(_("label_reply", default="Reply document"), entry.get("reply_symbol"))
        add(
            _("label_delivered_to", default="Delivered to"),
            "; ".join(entry.get("delivered_to") or ()),
        )
        add(_("label_source_agency", default="From"), entry.get("source_agency"))
        add(IOutgoingDocument["replaces"].title, entry.get("replaces"))
        return details

    # -- what the user may do --

    def sender_notices(self):
        """What the sender said after delivery: a recall waiting for an
        answer, a replacement document."""
        notices = []
        if getattr(self.context, "recall", None) == "requested":
            notices.append(
                _(
                    "notice_recall_requested",
                    default="The sending agency recalls this document: agree to "
                    "withdraw it or refuse with a reason.",
                )
            )
        replaced_by = getattr(self.context, "replaced_by", None)
        if replaced_by:
            notices.append(
                _(
                    "notice_replaced_by",
                    default="The sending agency replaced this document by ${symbol}.",
                    mapping={"symbol": replaced_by},
                )
            )
        return notices

    def workflow_actions(self):
        return workflow_actions(self.context, self.request)

    def document_tools(self):
        """Progress note, annex upload and registration correction, each
        when the workflow permits it in the document's state."""
        url = self.context.absolute_url()
        tools = []
        if self.incoming and api.user.has_permission(
            permissions.AddProgressNote, obj=self.context
        ):
            tools.append(
                {
                    "id": "progress-note",
                    "title": _("action_add_progress_note", default="Progress note"),
                    "url": f"{url}/@@progress-note",
                }
            )
        if api.user.has_permission(ADD_ANNEX, obj=self.context):
            tools.append(
                {
                    "id": "add-annex",
                    "title": _("action_add_annex", default="Add an annex"),
                    "url": f"{url}/++add++Annex",
                }
            )
        if correctable_fields(self.context) and api.user.has_permission(
            permissions.CorrectRegistration, obj=self.context
        ):
            tools.append(
                {
                    "id": "correct-registration",
                    "title": _(
                        "action_correct_registration", default="Correct registration"
                    ),
                    "url": f"{url}/@@correct-registration",
                }
            )
        return tools


class DocumentActionsView(BrowserView):
    """What the toolbar's state menu opens for a document (its heading and
    "Advanced…" link to ``content_status_history``).

    Plone's own page needs "Modify portal content", which leaders and
    assignees acting on a document do not have; this one lists the actions
    the workflow offers the current user, each opening its form.
    """

    def __call__(self):
        context = self.context
        self.state_title = state_title(
            context.portal_type, api.content.get_state(context), self.request
        )
        self.actions = workflow_actions(context, self.request)
        return self.index()
