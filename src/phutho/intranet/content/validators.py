"""Field constraints with messages a clerk can act on."""

from phutho.intranet import _
from zope.schema import ValidationError

import re

# Mã định danh cơ quan (OrganId): usually NNN.NN.NN.XNN (000.00.00.G22), but
# codes are data that changed with the 2025 reform and short forms such as
# 28.22.H17 circulate: three to six dot-separated groups of letters and digits.
ORGAN_ID_RE = re.compile(r"^[0-9A-Za-z]{1,10}(\.[0-9A-Za-z]{1,10}){2,5}$")
EMAIL_RE = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


class InvalidOrganId(ValidationError):
    __doc__ = _(
        "error_organ_id",
        default="The agency code (OrganId) is groups of letters and digits "
        "separated by dots, e.g. 000.00.00.G22 or 28.22.H17.",
    )


class InvalidEmail(ValidationError):
    __doc__ = _("error_email", default="This is not a valid e-mail address.")


def organ_id_constraint(value):
    """OrganId: dot-separated groups of letters and digits (see ORGAN_ID_RE)."""
    if value and not ORGAN_ID_RE.match(value):
        raise InvalidOrganId(value)
    return True


def email_constraint(value):
    if value and not EMAIL_RE.match(value):
        raise InvalidEmail(value)
    return True


class InvalidAbbreviation(ValidationError):
    __doc__ = _(
        "error_short_name",
        default="An abbreviation may not contain spaces, '/' or '-'.",
    )


def short_name_constraint(value):
    """Abbreviations go into symbols like ``15/QĐ-UBND``: no spaces, no ``/``
    and no ``-`` inside one group."""
    if value and re.search(r"[\s/\-]", value):
        raise InvalidAbbreviation(value)
    return True
