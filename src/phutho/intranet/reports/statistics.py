"""Statistics of incoming documents' handling (Decree 30, Appendix VI:
deadline follow-up and statistics) per agency, unit or person and period.

Documents counted are the incoming documents of the agency that arrived in
the period (and, for a unit or a person, that it led or handled). Each is
in exactly one outcome:

* ``on_time`` / ``late``: completed, by or after the deadline it was held to;
* ``overdue``: still open and its deadline has passed;
* ``in_progress``: still open, within its deadline (or without one);
* ``other``: returned to the sender or withdrawn.

Counting is set arithmetic on catalog indexes (the result's record ids
intersected with each index's sets), so a year of a large agency costs
milliseconds, not a walk over its documents.
"""

from BTrees.IIBTree import IISet
from BTrees.IIBTree import intersection
from BTrees.IIBTree import multiunion
from datetime import timedelta
from phutho.intranet.dates import today
from phutho.intranet.reports import common
from phutho.intranet.reports.tables import Table
from phutho.intranet.workflow.assignment import OPEN_STATES
from plone import api

OUTCOMES = ("received", "on_time", "late", "in_progress", "overdue", "other")
# Column headings of the statistics tables (Vietnamese: the report's own).
OUTCOME_COLUMNS = (
    "Tiếp nhận",
    "Hoàn thành đúng hạn",
    "Hoàn thành trễ hạn",
    "Đang xử lý trong hạn",
    "Quá hạn",
    "Khác (trả lại, thu hồi)",
    "Thời gian xử lý trung bình (ngày)",
)
TITLE = "Báo cáo thống kê tình hình xử lý văn bản đến"


def _rids(results):
    """The record ids of a catalog result, as an IISet."""
    seq = getattr(results, "_seq", None)
    if isinstance(seq, IISet):
        return seq
    if seq is not None and all(isinstance(rid, int) for rid in seq):
        return IISet(seq)
    return IISet([brain.getRID() for brain in results])


def _index_set(index, value):
    """The record ids a FieldIndex or KeywordIndex holds for ``value``."""
    docs = index._index.get(value)
    if docs is None:
        return IISet()
    if isinstance(docs, int):
        return IISet((docs,))
    return docs


def _union(index, values):
    return multiunion([_index_set(index, value) for value in values])


class Counter:
    """Outcome counts of subsets of one base result."""

    def __init__(self, catalog, base_query):
        self.catalog = catalog
        self.indexes = catalog._catalog.indexes
        self.base = _rids(catalog.unrestrictedSearchResults(**base_query))
        state = self.indexes["review_state"]
        timeliness = self.indexes["timeliness"]
        self.on_time = intersection(self.base, _index_set(timeliness, "on_time"))
        self.late = intersection(self.base, _index_set(timeliness, "late"))
        self.open = intersection(self.base, _union(state, OPEN_STATES))
        # Overdue: a deadline before today (one due today is not late yet),
        # as the dashboards and is_overdue count it.
        overdue = catalog.unrestrictedSearchResults(
            review_state=OPEN_STATES,
            deadline={"query": today() - timedelta(days=1), "range": "max"},
        )
        self.overdue = intersection(self.open, _rids(overdue))
        self.hours = self.indexes["processing_hours"]._unindex

    def row(self, rids=None):
        """``{outcome: count, "average_days": float or None}`` of ``rids``
        (a subset of the base; all of it by default)."""
        rids = self.base if rids is None else intersection(self.base, rids)
        on_time = intersection(rids, self.on_time)
        late = intersection(rids, self.late)
        overdue = len(intersection(rids, self.overdue))
        open_ = len(intersection(rids, self.open))
        counts = {
            "received": len(rids),
            "on_time": len(on_time),
            "late": len(late),
            "in_progress": open_ - overdue,
            "overdue": overdue,
        }
        counts["other"] = counts["received"] - (
            counts["on_time"] + counts["late"] + open_
        )
        hours = [
            self.hours[rid]
            for rid in multiunion([on_time, late])
            if self.hours.get(rid) is not None
        ]
        counts["average_days"] = (
            round(sum(hours) / len(hours) / 24, 1) if hours else None
        )
        return counts

    def by_index(self, name, values=None):
        """``[(value, row)]`` for each value of index ``name`` found in the
        base (or of ``values``, in their order)."""
        index = self.indexes[name]
        if values is None:
            values = sorted(
                value
                for value, docs in index._index.items()
                if len(intersection(self.base, _index_set(index, value)))
            )
        return [(value, self.row(_index_set(index, value))) for value in values]


def scope_query(agency, period, scope=None):
    """The catalog query of the documents a scope counts: ``scope`` is
    None (the agency), ``("unit", uid)`` or ``("user", user id)``."""
    query = {
        "portal_type": "IncomingDocument",
        "path": "/".join(agency.getPhysicalPath()),
        "arrival_date": period.query(),
    }
    if scope is not None:
        query["handled_by"] = scope[1]
    return query


def compute(agency, period, scope=None, units=(), people=()):
    """The statistics of a scope: ``{"total": row, "by_type": [...],
    "by_urgency": [...], "by_unit": [...], "by_person": [...]}``; units
    and people are ``(id, title)`` rows to break the total down by."""
    catalog = api.portal.get_tool("portal_catalog")
    counter = Counter(catalog, scope_query(agency, period, scope))
    handled = catalog._catalog.indexes["handled_by"]
    return {
        "total": counter.row(),
        "by_type": [
            (common.type_title(value), row)
            for value, row in counter.by_index("document_type")
        ],
        "by_urgency": [
            (common.text(common.URGENCY_TITLES.get(value, value)), row)
            for value, row in counter.by_index("urgency")
        ],
        "by_unit": [
            (title, counter.row(_index_set(handled, uid))) for uid, title in units
        ],
        "by_person": [
            (title, counter.row(_index_set(handled, user_id)))
            for user_id, title in people
        ],
    }


def _cells(row):
    average = row["average_days"]
    return [str(row[name]) for name in OUTCOMES] + [
        "" if average is None else f"{average:.1f}".replace(".", ",")
    ]


def tables(agency_title, scope_title, period, stats):
    """The statistics as :class:`Table` s: the total, by type, by
    urgency, by unit, by person (those with rows)."""
    result = []
    for key, first, sheet in (
        ("total", "Phạm vi", "Tổng hợp"),
        ("by_type", "Tên loại văn bản", "Theo tên loại"),
        ("by_urgency", "Độ khẩn", "Theo độ khẩn"),
        ("by_unit", "Đơn vị", "Theo đơn vị"),
        ("by_person", "Người xử lý", "Theo người xử lý"),
    ):
        table = Table(
            agency_title,
            f"{TITLE}: {scope_title}",
            period.label,
            (first,) + OUTCOME_COLUMNS,
            (3,) + (1,) * len(OUTCOME_COLUMNS),
        )
        table.key, table.sheet = key, sheet
        rows = [(scope_title, stats["total"])] if key == "total" else stats[key]
        for label, row in rows:
            table.add([label] + _cells(row))
        table.total = len(table.rows)
        if table.rows:
            result.append(table)
    return result
