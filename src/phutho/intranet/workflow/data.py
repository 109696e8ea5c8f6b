"""Reading the data that transitions, progress notes and corrections carry
(from forms or JSON): text of the right type, length and characters."""

from phutho.intranet import _
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.text import forbidden_characters

# Comments, instructions and progress notes are a few paragraphs; a
# megabyte of them would only bloat the history and every page showing it.
TEXT_MAX_LENGTH = 5000


def text(value, field, max_length=TEXT_MAX_LENGTH):
    """``value`` stripped, as text of at most ``max_length`` characters
    without control characters (None is ""); refuses anything else with
    an :class:`InvalidDataError` on ``field``."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidDataError(
            _(
                "error_text_expected",
                default="${field} must be text.",
                mapping={"field": field},
            ),
            field=field,
        )
    if len(value) > max_length:
        raise InvalidDataError(
            _(
                "error_text_too_long",
                default="${field} is too long: at most ${max} characters.",
                mapping={"field": field, "max": max_length},
            ),
            field=field,
        )
    forbidden = forbidden_characters(value)
    if forbidden:
        raise InvalidDataError(
            _(
                "error_text_characters",
                default="${field} contains characters that are not allowed "
                "in a document's text: ${characters}.",
                mapping={"field": field, "characters": ", ".join(forbidden)},
            ),
            field=field,
        )
    return value.strip()


def require_comment(comment):
    """The comment as text; refuses an empty one (returns, send back,
    reopen and refusals must say why)."""
    comment = text(comment, "comment")
    if not comment:
        raise InvalidDataError(
            _("error_comment_required", default="Give a reason or comment."),
            field="comment",
        )
    return comment
