"""Catalog indexers: only what dashboards and registers query.

Date-times (arrival) are indexed as Zope DateTime in the province's time
zone; plain dates (document date, deadlines) as dates. Both are also the
metadata columns listings and ``@search`` show: plone.restapi gives
date-times in UTC and dates as they are (``2026-11-20``), where a date
indexed as local midnight would read ``2026-11-19T17:00:00+00:00``, the
day before at first sight. A DateIndex compares dates with dates exactly,
and a local-day DateTime range still holds exactly the dates of that day.
"""

from phutho.intranet.content.casefile import ICaseFile
from phutho.intranet.content.document import IOfficialDocument
from phutho.intranet.content.document import split_number_symbol
from phutho.intranet.content.incoming import IIncomingDocument
from phutho.intranet.content.outgoing import IOutgoingDocument
from phutho.intranet.content.register import IDocumentRegister
from phutho.intranet.content.utils import find_agency
from phutho.intranet.dates import index_date
from phutho.intranet.text import fold
from plone.indexer import indexer


def duplicate_key(agency_uid, number_symbol, sender_organ_id=None, sender_name=None):
    """Key under which the same incoming document, received twice by one
    agency, meets itself: number and symbol plus issuing agency, ignoring
    case, spaces and diacritics (clerks type "QD" for "QĐ"). The receiving
    agency is part of the key so the lookup needs no path query. Values
    that are not text (a malformed request) make no key."""
    if not isinstance(number_symbol, str):
        return None
    sender_organ_id = sender_organ_id if isinstance(sender_organ_id, str) else None
    sender_name = sender_name if isinstance(sender_name, str) else None
    number, notation = split_number_symbol(number_symbol)
    if number is None or not agency_uid:
        return None
    sender = sender_organ_id or fold(sender_name or "")
    if not sender:
        return None
    notation = fold(notation).replace(" ", "")
    return f"{agency_uid}|{number.lstrip('0') or '0'}/{notation}|{sender.strip()}"


@indexer(IIncomingDocument)
def incoming_register_uid(obj):
    return obj.register


@indexer(IOutgoingDocument)
def outgoing_register_uid(obj):
    return obj.register


@indexer(IIncomingDocument)
def incoming_register_number(obj):
    return obj.arrival_number


@indexer(IOutgoingDocument)
def outgoing_register_number(obj):
    return obj.number


@indexer(IIncomingDocument)
def incoming_number_symbol(obj):
    return obj.number_symbol


@indexer(IOutgoingDocument)
def outgoing_number_symbol(obj):
    return obj.symbol


@indexer(IIncomingDocument)
def number_symbol_key(obj):
    agency = find_agency(obj)
    return duplicate_key(
        agency.UID() if agency is not None else None,
        obj.number_symbol,
        obj.sender_organ_id,
        obj.sender_name,
    )


@indexer(IIncomingDocument)
def incoming_document_date(obj):
    return index_date(obj.document_date)


@indexer(IOutgoingDocument)
def outgoing_document_date(obj):
    return index_date(obj.issued_date)


@indexer(IIncomingDocument)
def arrival_date(obj):
    return index_date(obj.arrival_date)


@indexer(IOfficialDocument)
def document_type(obj):
    return obj.document_type


@indexer(IOfficialDocument)
def urgency(obj):
    return obj.urgency


@indexer(IOfficialDocument)
def secrecy(obj):
    return obj.secrecy


@indexer(IOutgoingDocument)
def outgoing_deadline(obj):
    return index_date(obj.reply_deadline)


@indexer(IIncomingDocument)
def sender_name(obj):
    return obj.sender_name


@indexer(IDocumentRegister)
def register_direction(obj):
    return obj.direction


@indexer(ICaseFile)
def file_code(obj):
    return obj.file_code
