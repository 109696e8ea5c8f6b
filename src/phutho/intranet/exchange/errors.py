"""Refusals of the exchange code: each names the element at fault.

They belong to the portal's family of refusals (:mod:`phutho.intranet.exc`):
raised in a REST service they answer ``400`` with
``{"error": {"type", "message", "element"}}`` through the portal's one
exception view, and the transaction is aborted (nothing is created). The
wire format itself needs nothing of requests: the pickup command and the
pages catch them like any exception.
"""

from phutho.intranet.exc import InvalidDataError


class EdXMLError(InvalidDataError):
    """A message that cannot be accepted.

    :param message: what is wrong, in English (logged and answered; the
        upload page puts a translated sentence before it).
    :param element: the path of the element at fault, e.g.
        ``MessageHeader/PromulgationInfo/PromulgationDate``, or None when
        the message as a whole is refused (not XML, too large).
    """

    error_type = "InvalidEdXML"

    def __init__(self, message, element=None):
        if isinstance(message, EdXMLError):  # re-raised as type(error)(error)
            message, element = message.message, element or message.element
        super().__init__(message, element=element)
        self.element = element

    def __str__(self):
        if self.element:
            return f"{self.message} [{self.element}]"
        return str(self.message)

    def __reduce__(self):
        # Exceptions are re-created from their args when copied or pickled
        # (a ConflictError retry, logging across processes).
        return (type(self), (self.message, self.element))


class MessageTooLarge(EdXMLError):
    """The message, or one attachment decoded or unzipped, is over a limit."""


class UnknownDocument(EdXMLError):
    """The message acts on, or answers, a document this agency does not
    have (an update, revocation or replacement of something never
    received; a status of a document never sent)."""

    error_type = "UnknownDocument"


class NotAddressed(EdXMLError):
    """The message is not addressed to the agency it was delivered to."""

    error_type = "NotAddressed"
