"""Which register numbers a document: the one asked for, or the only one
that fits. Beside numbering's own checks, so that the register a form
offers and the register a transition accepts follow one rule."""

from phutho.intranet import _
from phutho.intranet.content.register import IDocumentRegister
from phutho.intranet.content.utils import find_agency
from phutho.intranet.dates import now
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.numbering.api import check_incoming
from phutho.intranet.numbering.api import check_outgoing
from phutho.intranet.numbering.api import check_register
from phutho.intranet.numbering.api import incoming_numbering_date
from plone import api
from plone.app.uuid.utils import uuidToObject

DIRECTIONS = ("incoming", "outgoing")


def numbering_date(document, direction):
    """The moment whose year numbers the document: an incoming document's
    arrival, or now for an outgoing one being issued."""
    return incoming_numbering_date(document) if direction == "incoming" else now()


def suitable_registers(document, direction):
    """Open registers of the document's agency that may number it.

    Registers are direct children of the agency, a handful: read there,
    not from the catalog.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}")
    agency = find_agency(document)
    if agency is None:
        return []
    result = []
    when = numbering_date(document, direction)
    for register in agency.objectValues():
        if not IDocumentRegister.providedBy(register):
            continue
        if api.content.get_state(register) != "open":
            continue
        try:
            check_register(register, document, direction, when)
        except InvalidDataError:
            continue
        result.append(register)
    return result


def choose_register(document, uid, direction, field=None):
    """The register ``uid`` names (or the document's own), else the only
    suitable one; refuses (:class:`InvalidDataError` on ``register``) when
    it is unknown, closed or unfit, or when none or several fit."""
    if uid is not None and not isinstance(uid, str):
        raise InvalidDataError(
            _(
                "error_register_shape",
                default="Send the register as the UID text of one register.",
            ),
            field="register",
        )
    uid = uid or document.register
    if uid:
        register = uuidToObject(uid, unrestricted=True)
        if register is None or not IDocumentRegister.providedBy(register):
            raise InvalidDataError(
                _("error_register_unknown", default="Unknown register."),
                field="register",
            )
        if api.content.get_state(register) != "open":
            raise InvalidDataError(
                _("error_register_closed", default="This register is closed."),
                field="register",
            )
    else:
        candidates = suitable_registers(document, direction)
        if len(candidates) != 1:
            raise InvalidDataError(
                _("error_register_required", default="Choose a register."),
                field="register",
            )
        register = candidates[0]
    if direction == "incoming":
        check_incoming(document, register)
    else:
        check_outgoing(document, register, field=field)
    return register
