"""Refusals of the exchange code: each names the element at fault.

Plain Python exceptions (the wire format knows nothing of requests): the
REST service and the pages turn them into a 400 answer or a message.
"""


class EdXMLError(Exception):
    """A message that cannot be accepted.

    :param message: what is wrong, in English (logged and answered; the
        pages translate the ``kind`` when they show it).
    :param element: the path of the element at fault, e.g.
        ``MessageHeader/PromulgationInfo/PromulgationDate``, or None when
        the message as a whole is refused (not XML, too large).
    """

    error_type = "InvalidEdXML"

    def __init__(self, message, element=None):
        super().__init__(message)
        self.message = message
        self.element = element

    def __str__(self):
        if self.element:
            return f"{self.message} [{self.element}]"
        return self.message

    def as_json(self):
        """The REST answer's body: ``{"error": {"type", "message", "element"}}``."""
        return {
            "error": {
                "type": self.error_type,
                "message": self.message,
                "element": self.element,
            }
        }


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
