"""Indexers of the fields the advanced search queries (Decree 30,
Appendix VI: search on every field): the issuing agency's OrganId, the
recipients, the signer, the arrival channel, the drafting unit and a case
file's index year. Texts go to ZCTextIndexes on the Vietnamese folding
lexicon, so "nguyen manh cuong" finds "Nguyễn Mạnh Cường"."""

from phutho.intranet.content.casefile import ICaseFile
from phutho.intranet.content.incoming import IIncomingDocument
from phutho.intranet.content.outgoing import IOutgoingDocument
from phutho.intranet.content.outgoing import parse_recipient
from phutho.intranet.content.utils import find_agency
from phutho.intranet.reports.common import signer_line
from plone.app.uuid.utils import uuidToObject
from plone.indexer import indexer


@indexer(IIncomingDocument)
def incoming_organ_id(obj):
    """OrganId of the agency that issued it."""
    return obj.sender_organ_id or None


@indexer(IOutgoingDocument)
def outgoing_organ_id(obj):
    """OrganId of the agency that issues it: its own."""
    agency = find_agency(obj)
    return getattr(agency, "organ_id", None) or None


@indexer(IIncomingDocument)
def incoming_recipients(obj):
    """Nơi nhận as printed on the document."""
    return " ".join(obj.recipients or ()) or None


@indexer(IOutgoingDocument)
def outgoing_recipients(obj):
    """Names and OrganIds of the agencies in the portal and the others."""
    parts = []
    for uid in obj.internal_recipients or ():
        agency = uuidToObject(uid, unrestricted=True)
        if agency is not None:
            parts.extend((agency.Title(), getattr(agency, "organ_id", None) or ""))
    for line in obj.external_recipients or ():
        try:
            recipient = parse_recipient(line)
        except Exception:  # stored before the rule: search it as written
            parts.append(line)
            continue
        parts.extend((recipient["name"], recipient["organ_id"]))
    return " ".join(part for part in parts if part) or None


@indexer(IIncomingDocument)
def incoming_signer(obj):
    return signer_line(obj) or None


@indexer(IOutgoingDocument)
def outgoing_signer(obj):
    return signer_line(obj) or None


@indexer(IIncomingDocument)
def channel(obj):
    return obj.channel


@indexer(IOutgoingDocument)
def drafting_unit(obj):
    return obj.drafting_unit


@indexer(ICaseFile)
def file_catalog(obj):
    """FileCatalog: the year of the case-file index it is listed in."""
    return obj.catalog_year
