"""Hand out register numbers inside the current transaction.

``next_number`` is the only way a number is made. The document-level
functions check that the register fits the document first, so that a
refused registration never takes a number (and, being in the same
transaction, an abort after taking one gives it back).
"""

from datetime import timedelta
from phutho.intranet import _
from phutho.intranet.content.terms import agency_fields
from phutho.intranet.content.utils import agency_unit
from phutho.intranet.content.utils import find_agency
from phutho.intranet.content.utils import same_object
from phutho.intranet.content.vocabularies import DIRECTIONS
from phutho.intranet.content.vocabularies import document_type_info
from phutho.intranet.dates import localize
from phutho.intranet.dates import now
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.numbering.counter import counters_of
from phutho.intranet.numbering.counter import RegisterCounter
from phutho.intranet.numbering.counter import take_number
from phutho.intranet.numbering.symbol import compose_symbol
from plone import api
from plone.app.uuid.utils import uuidToObject
from zope.globalrequest import getRequest
from zope.i18n import translate

import logging

logger = logging.getLogger("phutho.intranet.numbering")

# Appendix I Part III: copies share one series of their own per agency.
COPY_TYPES = ("ban-sao-y", "ban-trich-sao", "ban-sao-luc")


def next_number(register, year=None):
    """Take the next number of ``register`` for ``year`` (default: this year).

    Numbers start at 1 every year. The caller must commit the transaction
    for the number to count; a ``ConflictError`` at commit means another
    transaction took a number first and the whole transaction must be
    retried (Zope's publisher does that for requests).
    """
    if register is None:
        raise ValueError("A register is required")
    if year is None:
        year = now().year
    counters = counters_of(register, create=True)
    counter = counters.get(year)
    if counter is None:
        counter = counters[year] = RegisterCounter()
    return take_number(counter)


def last_number(register, year=None):
    """Return the last number handed out for ``year`` (0 if none)."""
    if year is None:
        year = now().year
    counters = counters_of(register) or {}
    counter = counters.get(year)
    return counter.value if counter is not None else 0


def resolve_register(value):
    """Accept a register object or its UID."""
    if value is None or not isinstance(value, str):
        return value
    return uuidToObject(value, unrestricted=True)


def check_register(register, document, direction, when):
    """Raise :class:`InvalidDataError` unless ``register`` may number ``document``."""
    if register is None:
        raise InvalidDataError(
            _("error_register_required", default="Choose a register."), field="register"
        )
    if register.direction != direction:
        raise InvalidDataError(
            _(
                "error_register_direction",
                default="This register does not number ${direction} documents.",
                mapping={
                    "direction": translate(
                        dict(DIRECTIONS)[direction], context=getRequest()
                    )
                },
            ),
            field="register",
        )
    agency = find_agency(document)
    if agency is not None and not same_object(find_agency(register), agency):
        raise InvalidDataError(
            _(
                "error_register_agency",
                default="This register belongs to another agency.",
            ),
            field="register",
        )
    if register.year and register.year != when.year:
        raise InvalidDataError(
            _(
                "error_register_year",
                default="This register is for ${year}; open the register of ${current}.",
                mapping={"year": register.year, "current": when.year},
            ),
            field="register",
        )
    secret = (getattr(document, "secrecy", None) or "normal") != "normal"
    if secret != bool(register.secret):
        raise InvalidDataError(
            _(
                "error_register_secrecy",
                default="Secret documents are numbered in a secret register, "
                "and only they are.",
            ),
            field="register",
        )
    allowed = register.document_types or []
    if allowed and document.document_type not in allowed:
        raise InvalidDataError(
            _(
                "error_register_document_type",
                default="This register does not number this document type.",
            ),
            field="register",
        )
    if not allowed:
        check_not_claimed(register, document, direction, when, secret)


def is_copy_type(document_type):
    """True for the copies of Appendix I Part III (SY, TrS, SL)."""
    return document_type in COPY_TYPES


def claiming_registers(agency, direction, secret, document_type, when):
    """Open registers of ``agency`` limited to types that include
    ``document_type``: those types are numbered there only. Registers are
    children of the agency, a handful: read there, not from the catalog."""
    result = []
    for candidate in agency.objectValues():
        if getattr(candidate, "portal_type", None) != "DocumentRegister":
            continue
        if candidate.direction != direction or bool(candidate.secret) != secret:
            continue
        if document_type not in (candidate.document_types or ()):
            continue
        if candidate.year and candidate.year != when.year:
            continue
        if api.content.get_state(candidate, default=None) != "open":
            continue
        result.append(candidate)
    return result


def check_not_claimed(register, document, direction, when, secret):
    """A general register (no types) refuses a type that a register
    limited to it numbers (one type, one series), and copies, which have
    their own series (Appendix I Part III)."""
    if direction == "outgoing" and is_copy_type(document.document_type):
        raise InvalidDataError(
            _(
                "error_register_copies",
                default="Copies (sao y, trích sao, sao lục) are numbered in their "
                "own register: choose the register of copies.",
            ),
            field="register",
        )
    agency = find_agency(register)
    if agency is None:
        return
    claimed = claiming_registers(
        agency, direction, secret, document.document_type, when
    )
    if claimed:
        raise InvalidDataError(
            _(
                "error_register_exclusive",
                default="This document type is numbered in ${register} only.",
                mapping={"register": claimed[0].Title()},
            ),
            field="register",
        )


def incoming_numbering_date(document):
    """The moment whose year numbers an incoming document: its arrival."""
    return localize(document.arrival_date or now())


def check_incoming(document, register=None, when=None):
    """Refuse (InvalidDataError) what :func:`register_incoming` would refuse,
    taking no number: workflow validators call it before the state changes.

    Returns ``(register, when)``.
    """
    register = resolve_register(register or document.register)
    when = localize(when) if when else incoming_numbering_date(document)
    if when > now() + timedelta(minutes=5):  # clock skew between clerk and server
        raise InvalidDataError(
            _(
                "error_arrival_in_future",
                default="The arrival date is in the future; correct it before registering.",
            ),
            field="arrival_date",
        )
    check_register(register, document, "incoming", when)
    if document.arrival_number:
        raise InvalidDataError(
            _(
                "error_already_registered",
                default="This document is already registered.",
            )
        )
    return register, when


def register_incoming(document, register=None, when=None):
    """Give an incoming document its arrival number (số đến).

    Returns the number. ``register`` defaults to the document's own field.
    """
    register, when = check_incoming(document, register, when)
    number = next_number(register, when.year)
    document.register = register.UID()
    document.arrival_number = number
    logger.info(
        "Incoming %s: arrival number %d in register %s (%d)",
        "/".join(document.getPhysicalPath()),
        number,
        register.UID(),
        when.year,
    )
    return number


def check_symbol_field(document, field):
    """The field (lĩnh vực) abbreviation a công văn's symbol carries:
    ``field`` if given (one of the agency's fields), else the one recorded
    on the document, else None (the drafting unit's is used)."""
    if field in (None, ""):
        return getattr(document, "symbol_field", None) or None
    fields = dict(agency_fields(find_agency(document)))
    if not isinstance(field, str) or field not in fields:
        raise InvalidDataError(
            _(
                "error_symbol_field",
                default="Choose one of the agency's fields (lĩnh vực) for the symbol.",
            ),
            field="field",
        )
    return field


def check_copy(document):
    """A copy names the document it copies."""
    if not is_copy_type(document.document_type):
        return
    relation = getattr(document, "copy_of", None)
    if relation is None or relation.isBroken() or relation.to_object is None:
        raise InvalidDataError(
            _(
                "error_copy_of_required",
                default="A copy names the document it copies (Copy of).",
            ),
            field="copy_of",
        )


def check_outgoing(document, register=None, when=None, field=None):
    """Refuse (InvalidDataError) what :func:`issue_outgoing` would refuse,
    taking no number. Returns ``(register, when, compose)`` where
    ``compose(number)`` makes the symbol."""
    register = resolve_register(register or document.register)
    when = localize(when or now())
    check_register(register, document, "outgoing", when)
    if document.number:
        raise InvalidDataError(
            _("error_already_issued", default="This document already has a number.")
        )
    agency = find_agency(document)
    info = document_type_info(document.document_type)
    if info is None:
        raise InvalidDataError(
            _("error_unknown_document_type", default="Unknown document type."),
            field="document_type",
        )
    check_copy(document)
    unit_abbreviation = None
    if not info[1]:
        # A công văn: the field chosen at issue, else the drafting unit.
        unit_abbreviation = check_symbol_field(document, field)
        if unit_abbreviation is None:
            unit = agency_unit(agency, document.drafting_unit)
            unit_abbreviation = getattr(unit, "short_name", None)

    def compose(number):
        return compose_symbol(number, info[1], agency.short_name, unit_abbreviation)

    try:
        compose(1)  # a symbol that cannot be made must not use up a number
    except ValueError:
        raise InvalidDataError(
            _(
                "error_symbol_incomplete",
                default="The symbol cannot be made: the agency or the drafting "
                "unit has no short name.",
            ),
            field="drafting_unit",
        )
    return register, when, compose


def issue_outgoing(document, register=None, when=None, field=None):
    """Give an outgoing document its number, date and symbol.

    Returns ``(number, symbol)``. The symbol uses the document type's
    abbreviation and the agency's, or for a công văn the agency's and the
    field's (``field``, chosen at issue) or the drafting unit's.
    """
    register, when, compose = check_outgoing(document, register, when, field)
    if field:
        document.symbol_field = field
    number = next_number(register, when.year)
    symbol = compose(number)
    document.register = register.UID()
    document.number = number
    document.issued_date = when.date()
    document.symbol = symbol
    logger.info(
        "Outgoing %s: %s in register %s",
        "/".join(document.getPhysicalPath()),
        symbol,
        register.UID(),
    )
    return number, symbol
