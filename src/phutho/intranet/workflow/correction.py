"""Logged corrections of registration data (sửa thông tin vào sổ).

Once registered, what the register records is read-only; a clerk may still
correct a typing mistake, with a reason, and the processing history keeps
the old and the new value. Numbers are never corrected: a wrong number is
the register's history, not a typo.
"""

from phutho.intranet import _
from phutho.intranet.content.incoming import IIncomingDocument
from phutho.intranet.content.outgoing import IOutgoingDocument
from phutho.intranet.dates import now
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.workflow.data import text
from phutho.intranet.workflow.history import record
from plone.restapi.serializer.converters import json_compatible
from zope.globalrequest import getRequest
from zope.i18n import translate
from zope.interface import Invalid
from zope.lifecycleevent import modified
from zope.schema import getFields
from zope.schema import ValidationError

CORRECTABLE = {
    "IncomingDocument": (
        IIncomingDocument,
        (
            "title",
            "description",
            "urgency",
            "recipients",
            "processing_deadline",
            "arrival_date",
            "channel",
            "sender_name",
            "sender_organ_id",
            "number_symbol",
            "document_date",
            "document_type",
            "page_count",
            "signer_authority",
            "signer_position",
            "signer_name",
        ),
    ),
    "OutgoingDocument": (
        IOutgoingDocument,
        ("signer_authority", "signer_position", "signer_name", "page_count", "copies"),
    ),
}


def correctable_fields(document):
    """``{name: field}`` a clerk may correct on this kind of document."""
    schema, names = CORRECTABLE.get(document.portal_type, (None, ()))
    fields = getFields(schema) if schema is not None else {}
    return {name: fields[name] for name in names}


def _check_numbering_year(document, changes):
    """An arrival number belongs to its year's series: a correction may fix
    the arrival date, not move the document into another year, nor into
    the future."""
    new = changes.get("arrival_date")
    old = getattr(document, "arrival_date", None)
    if new is None or old is None or not getattr(document, "arrival_number", None):
        return
    if new.year != old.year or new > now().replace(tzinfo=None):
        raise InvalidDataError(
            _(
                "error_correction_year",
                default="The corrected arrival date must stay in the register's "
                "year (${year}) and not be in the future.",
                mapping={"year": old.year},
            ),
            field="arrival_date",
        )


def correct_registration(document, changes, reason):
    """Apply ``changes`` (already-typed values) and log them.

    Validates every value against its field (and the schema's invariants)
    before changing anything. Returns the history entry.
    """
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidDataError(
            _(
                "error_correction_reason",
                default="Say why the registration is corrected.",
            ),
            field="reason",
        )
    reason = text(reason, "reason")
    fields = correctable_fields(document)
    unknown = sorted(set(changes) - set(fields))
    if unknown or not changes:
        raise InvalidDataError(
            _(
                "error_not_correctable",
                default="These cannot be corrected: ${fields}.",
                mapping={"fields": ", ".join(unknown) or "-"},
            ),
            field="changes",
        )
    for name, value in changes.items():
        field = fields[name].bind(document)
        try:
            field.validate(value)
        except (ValidationError, ValueError, TypeError) as error:
            raise InvalidDataError(
                _(
                    "error_correction_value",
                    default="${field}: ${error}",
                    mapping={
                        "field": translate(field.title, context=getRequest()),
                        "error": translate(
                            (
                                error.doc()
                                if isinstance(error, ValidationError)
                                else str(error)
                            ),
                            context=getRequest(),
                        ),
                    },
                ),
                field=name,
            )
    _check_numbering_year(document, changes)
    # Only what differs is corrected and logged; nothing at all is refused,
    # since a logged correction that corrects nothing only clutters the record.
    changes = {
        name: value
        for name, value in changes.items()
        if getattr(document, name, None) != value
    }
    if not changes:
        raise InvalidDataError(
            _(
                "error_correction_no_change",
                default="These values are already recorded.",
            ),
            field="changes",
        )
    old = {name: getattr(document, name, None) for name in changes}
    for name, value in changes.items():
        setattr(document, name, value)
    schema = CORRECTABLE[document.portal_type][0]
    try:
        schema.validateInvariants(document)
    except Invalid as error:
        for name, value in old.items():
            setattr(document, name, value)
        raise InvalidDataError(error.args[0] if error.args else str(error))
    entry = record(
        document,
        "correction",
        comment=reason,
        changes={
            name: {
                "old": json_compatible(old[name]),
                "new": json_compatible(changes[name]),
            }
            for name in changes
        },
    )
    modified(document)
    return entry
