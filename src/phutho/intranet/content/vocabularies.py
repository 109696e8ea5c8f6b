"""Vocabularies of the document model (Decree 30/2020, edXML).

Fixed enumerations (secrecy, urgency, signer authority, arrival channel,
retention) are defined here; the list of document types lives in the
registry so that webmasters can extend it; agencies, units, registers and
users come from the portal's own content.
"""

from phutho.intranet import _
from phutho.intranet.content.utils import find_agency
from plone import api
from plone.app.content.browser.vocabulary import PERMISSIONS
from plone.registry.interfaces import IRegistry
from zope.component import queryUtility
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

DOCUMENT_TYPES_RECORD = "phutho.intranet.document_types"

# Vocabularies are served (@vocabularies, pattern widgets) to whoever may
# view the context unless listed here. Who works in an agency is for its
# officials, not for anonymous visitors of its public page.
PERMISSIONS["phutho.intranet.AgencyUsers"] = "phutho.intranet: Add OutgoingDocument"

# Độ mật. "normal" means not secret; every other value restricts viewers.
SECRECY = (
    ("normal", _("secrecy_normal", default="Normal (not secret)")),
    ("confidential", _("secrecy_confidential", default="Confidential (Mật)")),
    ("secret", _("secrecy_secret", default="Secret (Tối mật)")),
    ("top_secret", _("secrecy_top_secret", default="Top secret (Tuyệt mật)")),
)

# Mức độ khẩn, in edXML Priority order 0-4.
URGENCY = (
    ("normal", _("urgency_normal", default="Normal (Thường)")),
    ("urgent", _("urgency_urgent", default="Urgent (Khẩn)")),
    ("very_urgent", _("urgency_very_urgent", default="Very urgent (Thượng khẩn)")),
    ("flash", _("urgency_flash", default="Flash (Hỏa tốc)")),
    ("flash_timed", _("urgency_flash_timed", default="Flash, timed (Hỏa tốc hẹn giờ)")),
)

# Signer authority prefixes written before the signer's position.
SIGNER_AUTHORITY = (
    ("", _("authority_none", default="None (signs in own name)")),
    ("TM.", _("authority_tm", default="TM. (on behalf of the collective)")),
    ("KT.", _("authority_kt", default="KT. (acting for the head)")),
    ("Q.", _("authority_q", default="Q. (acting head)")),
    ("TL.", _("authority_tl", default="TL. (by order)")),
    ("TUQ.", _("authority_tuq", default="TUQ. (by authorisation)")),
)

ARRIVAL_CHANNELS = (
    ("paper", _("channel_paper", default="Paper, scanned")),
    ("email", _("channel_email", default="E-mail")),
    ("exchange", _("channel_exchange", default="Document exchange (edXML)")),
    ("internal", _("channel_internal", default="Inside the portal")),
    ("form", _("channel_form", default="Online form")),
)

# Thời hạn bảo quản of a case file.
RETENTION = (
    ("5", _("retention_5", default="5 years")),
    ("10", _("retention_10", default="10 years")),
    ("20", _("retention_20", default="20 years")),
    ("50", _("retention_50", default="50 years")),
    ("70", _("retention_70", default="70 years")),
    ("permanent", _("retention_permanent", default="Permanent (Vĩnh viễn)")),
)

DIRECTIONS = (
    ("incoming", _("direction_incoming", default="Incoming (văn bản đến)")),
    ("outgoing", _("direction_outgoing", default="Outgoing (văn bản đi)")),
)


def _simple(items):
    return SimpleVocabulary(
        [
            SimpleTerm(value, token=value or "none", title=title)
            for value, title in items
        ]
    )


def _fixed(name, items):
    @provider(IVocabularyFactory)
    def factory(context):
        return _simple(items)

    factory.__name__ = name
    return factory


SecrecyVocabulary = _fixed("SecrecyVocabulary", SECRECY)
UrgencyVocabulary = _fixed("UrgencyVocabulary", URGENCY)
SignerAuthorityVocabulary = _fixed("SignerAuthorityVocabulary", SIGNER_AUTHORITY)
ArrivalChannelVocabulary = _fixed("ArrivalChannelVocabulary", ARRIVAL_CHANNELS)
RetentionVocabulary = _fixed("RetentionVocabulary", RETENTION)
DirectionVocabulary = _fixed("DirectionVocabulary", DIRECTIONS)


def document_types():
    """Return the document types as ``(token, title, abbreviation)`` tuples.

    Each registry line reads ``token|title|abbreviation``; the abbreviation
    is empty for types that have none (Công văn, Thư công).
    """
    registry = queryUtility(IRegistry)
    lines = registry.get(DOCUMENT_TYPES_RECORD, None) if registry else None
    result = []
    for line in lines or ():
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 2 or not parts[0]:
            continue
        abbreviation = parts[2] if len(parts) > 2 else ""
        result.append((parts[0], parts[1], abbreviation))
    return result


def document_type_info(token):
    """Return ``(title, abbreviation)`` of a document type, or None."""
    for value, title, abbreviation in document_types():
        if value == token:
            return title, abbreviation
    return None


@provider(IVocabularyFactory)
def DocumentTypeVocabulary(context):
    """Tên loại văn bản (Decree 30/2020, Appendix III), from the registry."""
    return SimpleVocabulary(
        [
            SimpleTerm(value, token=value, title=title)
            for value, title, abbreviation in document_types()
        ]
    )


def _catalog_terms(restricted=False, **query):
    catalog = api.portal.get_tool("portal_catalog")
    search = catalog.searchResults if restricted else catalog.unrestrictedSearchResults
    brains = search(sort_on="sortable_title", **query)
    return [SimpleTerm(b.UID, token=b.UID, title=b.Title) for b in brains]


@provider(IVocabularyFactory)
def AgencyVocabulary(context):
    """All agencies (cơ quan) of the portal, by UID."""
    return SimpleVocabulary(_catalog_terms(portal_type="Agency"))


@provider(IVocabularyFactory)
def UnitVocabulary(context):
    """Units (phòng, ban) of the agency the context belongs to."""
    agency = find_agency(context)
    if agency is None:
        return SimpleVocabulary([])
    path = "/".join(agency.getPhysicalPath())
    return SimpleVocabulary(
        _catalog_terms(portal_type="Unit", path={"query": path, "depth": 1})
    )


def _register_vocabulary(context, direction):
    agency = find_agency(context)
    if agency is None:
        return SimpleVocabulary([])
    path = "/".join(agency.getPhysicalPath())
    query = dict(portal_type="DocumentRegister", path={"query": path, "depth": 1})
    if direction:
        query["register_direction"] = direction
    # Restricted: secret registers are listed only to those who keep them.
    return SimpleVocabulary(_catalog_terms(restricted=True, **query))


@provider(IVocabularyFactory)
def IncomingRegisterVocabulary(context):
    """Incoming registers (sổ văn bản đến) of the context's agency."""
    return _register_vocabulary(context, "incoming")


@provider(IVocabularyFactory)
def OutgoingRegisterVocabulary(context):
    """Outgoing registers (sổ văn bản đi) of the context's agency."""
    return _register_vocabulary(context, "outgoing")
