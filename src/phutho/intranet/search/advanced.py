"""The advanced search (Decree 30, Appendix VI: search on every field,
sort, export): request parameters -> a checked catalog query.

Every parameter is one field of a document (or case file); texts go to
the ZCTextIndexes on the diacritic-folding lexicon as plain words (no
query syntax), choices must be among the vocabulary's values, dates are
dd/mm/yyyy or yyyy-mm-dd. What was asked is kept as ``criteria`` (plain
strings), which is what a saved search stores and reopens.
"""

from phutho.intranet import _
from phutho.intranet.content.utils import find_agency
from phutho.intranet.dates import format_date
from phutho.intranet.dates import parse_date
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.numbering.symbol import format_number
from phutho.intranet.reports import common
from phutho.intranet.reports.tables import Table
from plone import api
from zope.component import getUtility
from zope.schema.interfaces import IVocabularyFactory

import re

TYPES = ("IncomingDocument", "OutgoingDocument", "CaseFile")
# name -> (index, kind, label, vocabulary)
FIELDS = {
    "text": ("SearchableText", "text", _("label_search_text", default="Words"), None),
    "portal_type": (
        "portal_type",
        "choice",
        _("label_search_kind", default="Kind"),
        None,
    ),
    "number": (
        "SearchableText",
        "text",
        _("label_number_symbol", default="Number and symbol"),
        None,
    ),
    "sender_name": (
        "sender_name",
        "text",
        _("label_sender_name", default="Issuing agency"),
        None,
    ),
    "organ_id": (
        "organ_id",
        "exact",
        _("label_sender_organ_id", default="Issuing agency code (OrganId)"),
        None,
    ),
    "recipients": (
        "recipients",
        "text",
        _("label_recipients", default="Recipients (nơi nhận)"),
        None,
    ),
    "signer": ("signer", "text", _("label_search_signer", default="Signer"), None),
    "document_type": (
        "document_type",
        "choice",
        _("label_document_type", default="Document type"),
        "phutho.intranet.DocumentTypes",
    ),
    "urgency": (
        "urgency",
        "choice",
        _("label_urgency", default="Urgency (độ khẩn)"),
        "phutho.intranet.Urgency",
    ),
    "secrecy": (
        "secrecy",
        "choice",
        _("label_secrecy", default="Secrecy (độ mật)"),
        "phutho.intranet.Secrecy",
    ),
    "channel": (
        "channel",
        "choice",
        _("label_arrival_channel", default="Arrived through"),
        "phutho.intranet.ArrivalChannels",
    ),
    "drafting_unit": (
        "drafting_unit",
        "exact",
        _("label_drafting_unit", default="Drafting unit"),
        None,
    ),
    "review_state": (
        "review_state",
        "exact",
        _("label_search_state", default="State"),
        None,
    ),
    "file_code": (
        "file_code",
        "exact",
        _("label_file_code", default="File code (số, ký hiệu hồ sơ)"),
        None,
    ),
    "date_from": (
        "document_date",
        "min",
        _("label_search_date_from", default="Document date from"),
        None,
    ),
    "date_to": (
        "document_date",
        "max",
        _("label_search_date_to", default="Document date to"),
        None,
    ),
    "arrival_from": (
        "arrival_date",
        "min",
        _("label_search_arrival_from", default="Arrived from"),
        None,
    ),
    "arrival_to": (
        "arrival_date",
        "max",
        _("label_search_arrival_to", default="Arrived to"),
        None,
    ),
    "deadline_from": (
        "deadline",
        "min",
        _("label_search_deadline_from", default="Deadline from"),
        None,
    ),
    "deadline_to": (
        "deadline",
        "max",
        _("label_search_deadline_to", default="Deadline to"),
        None,
    ),
}
SORTS = {
    "relevance": None,
    "document_date": "document_date",
    "arrival_date": "arrival_date",
    "register_number": "register_number",
    "title": "sortable_title",
    "modified": "modified",
}
ORDERS = ("ascending", "descending")
MAX_TEXT = 200
WORD_RE = re.compile(r"[\w./-]+", re.UNICODE)
QUERY_WORDS = {"and", "or", "not"}


def words(value):
    """Plain words of a text (no ZCTextIndex syntax: quotes, parentheses,
    wildcards and AND/OR/NOT are dropped), or None when none is left."""
    found = [
        word.strip("./-")
        for word in WORD_RE.findall(value)
        if word.strip("./-") and word.lower() not in QUERY_WORDS
    ]
    return " ".join(found) or None


def _refuse(name, message):
    return InvalidDataError(message, field=name)


def one_value(form, name):
    """The single value of request parameter ``name``, stripped ("" when
    absent); several values are refused with 400 naming the parameter."""
    value = form.get(name)
    if isinstance(value, (list, tuple)):
        value = value[0] if len(value) == 1 else None
        if value is None:
            raise _refuse(name, _("error_search_one_value", default="Send one value."))
    if value is not None and not isinstance(value, str):
        value = str(value)
    return (value or "").strip()


def vocabulary_values(name, context):
    factory = getUtility(IVocabularyFactory, name)
    return [term.value for term in factory(context)]


def build_query(form, context):
    """``(query, criteria)`` from request parameters; refuses (400) what
    no field takes. ``context`` is the site or an agency (searched inside)."""
    criteria, query = {}, {}
    ranges = {}
    for name, (index, kind, _label, vocabulary) in FIELDS.items():
        value = one_value(form, name)
        if not value:
            continue
        if len(value) > MAX_TEXT:
            raise _refuse(
                name, _("error_search_long", default="At most 200 characters.")
            )
        criteria[name] = value
        if kind == "text":
            plain = words(value)
            if plain is None:
                raise _refuse(
                    name, _("error_search_words", default="Write some words.")
                )
            if name == "number":
                plain = f'"{plain}"'
            query[index] = f"{query[index]} {plain}" if index in query else plain
        elif kind == "choice":
            allowed = (
                TYPES
                if name == "portal_type"
                else vocabulary_values(vocabulary, context)
            )
            if value not in allowed:
                raise _refuse(
                    name, _("error_search_choice", default="Not one of the choices.")
                )
            query[index] = value
        elif kind == "exact":
            query[index] = value
        else:
            day = parse_date(value, name, FIELDS[name][2])
            ranges.setdefault(index, {})[kind] = day
    for index, ends in ranges.items():
        if "min" in ends and "max" in ends:
            if ends["max"] < ends["min"]:
                raise _refuse(
                    "date_to",
                    _(
                        "error_period_order",
                        default="The period ends before it starts.",
                    ),
                )
            query[index] = {"query": (ends["min"], ends["max"]), "range": "min:max"}
        elif "min" in ends:
            query[index] = {"query": ends["min"], "range": "min"}
        else:
            query[index] = {"query": ends["max"], "range": "max"}
    sort = one_value(form, "sort_on") or "relevance"
    if sort not in SORTS:
        raise _refuse(
            "sort_on", _("error_search_sort", default="sort on a catalog index.")
        )
    order = one_value(form, "sort_order") or "descending"
    if order not in ORDERS:
        raise _refuse(
            "sort_order",
            _(
                "error_search_sort_order",
                default='"ascending", "descending" or "reverse".',
            ),
        )
    if sort != "relevance":
        criteria["sort_on"], criteria["sort_order"] = sort, order
        query["sort_on"], query["sort_order"] = SORTS[sort], order
    elif "SearchableText" not in query:
        query["sort_on"], query["sort_order"] = "modified", "descending"
    query.setdefault("portal_type", TYPES)
    agency = find_agency(context)
    if agency is not None:
        query["path"] = "/".join(agency.getPhysicalPath())
    return query, criteria


def has_criteria(criteria):
    return any(name in FIELDS for name in criteria)


def search(form, context, limit=None):
    """Catalog brains the current user may see (restricted search)."""
    query, criteria = build_query(form, context)
    if not has_criteria(criteria):
        return [], criteria
    if limit:
        query["sort_limit"] = limit
    results = api.portal.get_tool("portal_catalog")(**query)
    return results, criteria


RESULT_COLUMNS = (
    "Số ký hiệu",
    "Ngày",
    "Tên loại",
    "Trích yếu",
    "Tác giả / Đơn vị soạn",
    "Số đến",
    "Trạng thái",
)
RESULT_WIDTHS = (10, 6, 7, 30, 14, 5, 8)


def result_row(brain):
    """One result as texts, from catalog metadata only (fast)."""
    date = brain.document_date or brain.arrival_date
    number = brain.register_number
    return [
        brain.number_symbol or getattr(brain, "file_code", "") or "",
        format_date(date) if date else "",
        common.type_title(brain.document_type) if brain.document_type else "",
        brain.Title or "",
        brain.sender_name or "",
        format_number(number) if isinstance(number, int) and number > 0 else "",
        common.state_title(brain.portal_type, brain.review_state),
    ]


def results_table(brains, agency_title, limit):
    table = Table(agency_title, "Kết quả tìm kiếm", None, RESULT_COLUMNS, RESULT_WIDTHS)
    for brain in brains[:limit]:
        table.add(result_row(brain), {3: brain.getURL()})
    table.total = len(brains)
    return table
