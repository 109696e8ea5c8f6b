"""The outgoing-documents report (báo cáo văn bản đi) of an agency for a
period: documents issued, by type, by drafting unit, by urgency, the
recalled and replaced ones, and how far their recipients in the portal
got with them (edXML status codes of the internal deliveries).

Counts come from the catalog (issued date, type, state, drafting unit);
only the delivery statuses are read from the documents.
"""

from phutho.intranet.content.unit import IUnit
from phutho.intranet.reports import common
from phutho.intranet.reports.tables import Table
from phutho.intranet.workflow.delivery import CODE_TITLES
from phutho.intranet.workflow.delivery import delivery_status
from plone import api

TITLE = "Báo cáo văn bản đi"
ISSUED_STATES = ("issued", "recalled", "replaced")
COLUMNS = ("Nhóm", "Đã ban hành", "Còn hiệu lực", "Thu hồi", "Bị thay thế")
WIDTHS = (4, 1, 1, 1, 1)
DELIVERY_COLUMNS = ("Trạng thái tại nơi nhận", "Số lượt")


def _count(brains):
    counts = {"total": 0, "issued": 0, "recalled": 0, "replaced": 0}
    for brain in brains:
        counts["total"] += 1
        if brain.review_state in counts:
            counts[brain.review_state] += 1
    return counts


def _row(label, counts):
    return [
        label,
        str(counts["total"]),
        str(counts["issued"]),
        str(counts["recalled"]),
        str(counts["replaced"]),
    ]


def report(agency, period):
    """``[Table]``: the summary by type, by drafting unit and urgency, and
    the recipients' statuses."""
    catalog = api.portal.get_tool("portal_catalog")
    brains = list(
        catalog(
            portal_type="OutgoingDocument",
            path="/".join(agency.getPhysicalPath()),
            review_state=ISSUED_STATES,
            document_date=period.query(),
        )
    )
    heading = (agency.Title(), TITLE, period.label)
    summary = Table(*heading, ("Tên loại văn bản",) + COLUMNS[1:], WIDTHS)
    summary.sheet, summary.key = "Theo tên loại", "by_type"
    by_type = {}
    for brain in brains:
        by_type.setdefault(brain.document_type, []).append(brain)
    for token, group in sorted(by_type.items(), key=lambda i: common.type_title(i[0])):
        summary.add(_row(common.type_title(token), _count(group)))
    summary.add(_row("Tổng cộng", _count(brains)))
    summary.total = len(brains)

    units = Table(*heading, ("Đơn vị soạn thảo",) + COLUMNS[1:], WIDTHS)
    units.sheet, units.key = "Theo đơn vị", "by_unit"
    by_unit = {}
    # The drafting unit is indexed, not kept as metadata: read the index.
    drafting = catalog._catalog.indexes["drafting_unit"]._unindex
    for brain in brains:
        by_unit.setdefault(drafting.get(brain.getRID()), []).append(brain)
    titles = {
        unit.UID(): unit.Title()
        for unit in agency.objectValues()
        if IUnit.providedBy(unit)
    }
    for uid, group in sorted(by_unit.items(), key=lambda i: titles.get(i[0], "")):
        units.add(_row(titles.get(uid, "—"), _count(group)))
    units.total = len(units.rows)

    urgency = Table(*heading, ("Độ khẩn",) + COLUMNS[1:], WIDTHS)
    urgency.sheet, urgency.key = "Theo độ khẩn", "by_urgency"
    by_urgency = {}
    for brain in brains:
        by_urgency.setdefault(brain.urgency, []).append(brain)
    for value, group in by_urgency.items():
        urgency.add(
            _row(common.text(common.URGENCY_TITLES.get(value, value)), _count(group))
        )
    urgency.total = len(urgency.rows)

    delivery = Table(*heading, DELIVERY_COLUMNS, (4, 1))
    delivery.sheet, delivery.key = "Nơi nhận", "delivery"
    codes = {}
    for brain in brains:
        for item in delivery_status(brain.getObject()):
            code = item.get("status_code")
            if code:
                codes[code] = codes.get(code, 0) + 1
    for code in sorted(codes):
        delivery.add(
            [f"{code} – {common.text(CODE_TITLES.get(code, code))}", str(codes[code])]
        )
    delivery.total = len(delivery.rows)
    return [summary, units, urgency, delivery]
