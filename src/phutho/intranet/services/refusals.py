"""Errors met while reading a request, as the portal's error model says them
(:class:`InvalidDataError`, answered 400 with the field it names)."""

from phutho.intranet import _
from phutho.intranet.exc import InvalidDataError
from zope.i18n import translate
from zope.schema.interfaces import ValidationError


def refusal_from_errors(error, request):
    """plone.restapi's ``BadRequest([{"field", "message"}, ...])`` as one
    :class:`InvalidDataError`: the first error's field and message, all
    of them in ``errors``."""
    errors = error.args[0] if error.args else None
    if not isinstance(errors, list) or not errors:
        return InvalidDataError(str(error))
    listed = [
        {"field": e.get("field"), "message": str(e.get("message", ""))}
        for e in errors
        if isinstance(e, dict)
    ]
    first = listed[0] if listed else {"field": None, "message": str(error)}
    message = first["message"]
    if first["field"]:
        message = f"{first['field']}: {message}"
    return InvalidDataError(message, field=first["field"], errors=listed)


def refusal_from_validation(field, error, request):
    """A field's ``ValidationError`` or ``ValueError`` as an
    :class:`InvalidDataError` naming the field (as forms show it)."""
    if isinstance(error, InvalidDataError):
        return error
    detail = error.doc() if isinstance(error, ValidationError) else str(error)
    return InvalidDataError(
        _(
            "error_correction_value",
            default="${field}: ${error}",
            mapping={
                "field": translate(field.title, context=request),
                "error": translate(detail, context=request),
            },
        ),
        field=field.__name__,
    )
