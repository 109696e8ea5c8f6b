"""Number and symbol (số, ký hiệu) per Decree 30/2020, Appendix I §II.3."""


def format_number(number):
    """Numbers below 10 get a leading zero: 5 -> ``"05"``, 15 -> ``"15"``."""
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise ValueError(f"A document number is a positive integer, not {number!r}")
    return f"{number:02d}"


def compose_notation(type_abbreviation, agency_abbreviation, unit_abbreviation=None):
    """Return the symbol part (ký hiệu) without the number.

    A typed document gives ``<type>-<agency>`` (``QĐ-UBND``); a công văn,
    which has no type abbreviation, gives ``<agency>-<drafting unit>``
    (``UBND-VX``).
    """
    if not agency_abbreviation:
        raise ValueError("The agency abbreviation is required in a symbol")
    if type_abbreviation:
        return f"{type_abbreviation}-{agency_abbreviation}"
    if not unit_abbreviation:
        raise ValueError("A công văn's symbol needs the drafting unit's abbreviation")
    return f"{agency_abbreviation}-{unit_abbreviation}"


def compose_symbol(
    number, type_abbreviation, agency_abbreviation, unit_abbreviation=None
):
    """Return the full form, e.g. ``15/QĐ-UBND`` or ``05/UBND-VX``."""
    notation = compose_notation(
        type_abbreviation, agency_abbreviation, unit_abbreviation
    )
    return f"{format_number(number)}/{notation}"
