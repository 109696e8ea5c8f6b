"""Field constraints with messages a clerk can act on."""

from phutho.intranet import _
from zope.schema import ValidationError

import re

# Mã định danh cơ quan (OrganId), e.g. 000.00.00.G22 (Decree 30, Appendix VI).
ORGAN_ID_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
EMAIL_RE = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


class InvalidOrganId(ValidationError):
    __doc__ = _(
        "error_organ_id",
        default="The agency code (OrganId) must look like 000.00.00.G22: "
        "three digits, two digits, two digits, a capital letter and two digits.",
    )


class InvalidEmail(ValidationError):
    __doc__ = _("error_email", default="This is not a valid e-mail address.")


def organ_id_constraint(value):
    """OrganId format ``NNN.NN.NN.XNN``."""
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
