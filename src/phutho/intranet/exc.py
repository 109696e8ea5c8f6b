"""What the portal raises when it refuses something.

One small family of errors, as plone.api keeps its own in ``exc.py``:
numbering, the workflow's checks, content validation and the services all
raise these, and one exception view (``browser/errors.py``) answers them —
JSON with the status, the message in the request's language and the field
at fault for the REST API, a page for browsers. Forms catch them and show
the message next to ``field``.
"""

from zope.globalrequest import getRequest
from zope.i18n import translate


class PortalError(Exception):
    """Base of the refusals: a translatable message and the field at fault.

    :param message: a ``zope.i18nmessageid.Message`` (or plain text) saying
        what is wrong and what to send instead.
    :param field: the name of the field or body key at fault, or None when
        the refusal concerns the request as a whole.
    :param details: extra JSON-compatible keys for the REST answer (e.g.
        the URLs of duplicates).
    """

    status = 400
    error_type = "BadRequest"

    def __init__(self, message="", field=None, **details):
        if isinstance(message, PortalError):
            # portal_workflow re-raises an error raised inside a transition
            # as ``type(error)(error)``: keep what the original carried.
            field = field or message.field
            details = {**message.details, **details}
            message = message.message
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details

    def translated(self, request=None):
        """The message in the language of ``request`` (default: the one
        being served; Vietnamese unless the person chose English)."""
        return translate(self.message, context=request or getRequest())

    def __str__(self):
        return self.translated()

    def as_json(self, request=None):
        """The body plone.restapi clients expect: ``{"error": {...}}``."""
        error = {"type": self.error_type, "message": self.translated(request)}
        if self.field:
            error["field"] = self.field
        error.update(self.details)
        return {"error": error}


class InvalidDataError(PortalError):
    """Data that cannot be accepted: a wrong value, shape or size, a
    register that cannot number the document, a transition asked without
    what it needs."""


class DuplicateError(InvalidDataError):
    """An incoming document repeats a registered one (Decree 30, Appendix
    VI: the duplicate warning). ``duplicates`` are the catalog brains of
    the registered documents the current user may see."""

    status = 409
    error_type = "Duplicate"

    def __init__(self, message="", field=None, duplicates=(), **details):
        if isinstance(message, DuplicateError):
            duplicates = duplicates or message.duplicates
        super().__init__(message, field, **details)
        self.duplicates = list(duplicates)

    def as_json(self, request=None):
        body = super().as_json(request)
        body["error"]["duplicates"] = [brain.getURL() for brain in self.duplicates]
        return body


class ForbiddenError(PortalError):
    """The person may not do this here and now (a locked field, a
    transition the workflow does not offer them)."""

    status = 403
    error_type = "Forbidden"


class NotFoundError(PortalError):
    """What the request names does not exist, or the person may not
    learn that it does."""

    status = 404
    error_type = "NotFound"


class WorkflowRefusedError(PortalError):
    """The workflow does not offer this transition to this person on this
    document now (an unknown transition, a missing permission, the wrong
    state). Named as plone.restapi names workflow refusals."""

    error_type = "WorkflowException"


class UnauthorizedError(ForbiddenError):
    """Refused to someone not signed in, or whose sign-in does not grant
    this: signing in (again) may help."""

    status = 401
    error_type = "Unauthorized"
