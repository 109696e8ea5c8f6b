"""Vocabularies of the Appendix VI metadata that reports and case files
add: languages, a case file's rights (chế độ sử dụng), an agency's fields
(lĩnh vực) for công văn symbols, and the agency's units and people as
principals a case file may be shared with."""

from phutho.intranet import _
from phutho.intranet.content.utils import find_agency
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

# Language (ngôn ngữ) of a document or case file, ISO 639-1 codes.
LANGUAGES = (
    ("vi", _("language_vi", default="Vietnamese")),
    ("en", _("language_en", default="English")),
    ("fr", _("language_fr", default="French")),
    ("zh", _("language_zh", default="Chinese")),
    ("ru", _("language_ru", default="Russian")),
    ("lo", _("language_lo", default="Lao")),
    ("km", _("language_km", default="Khmer")),
    ("ja", _("language_ja", default="Japanese")),
    ("ko", _("language_ko", default="Korean")),
)

# Chế độ sử dụng (Rights) of a case file.
RIGHTS = (
    ("public", _("rights_public", default="Public (công khai)")),
    ("restricted", _("rights_restricted", default="Restricted (hạn chế sử dụng)")),
    ("secret", _("rights_secret", default="Secret (mật)")),
)


def _simple(items):
    return SimpleVocabulary(
        [SimpleTerm(value, token=value, title=title) for value, title in items]
    )


@provider(IVocabularyFactory)
def LanguageVocabulary(context):
    return _simple(LANGUAGES)


@provider(IVocabularyFactory)
def RightsVocabulary(context):
    return _simple(RIGHTS)


def parse_field_line(line):
    """``"VX | Văn hóa - Xã hội"`` -> ``("VX", "Văn hóa - Xã hội")``; None
    for a line without an abbreviation."""
    abbreviation, _sep, title = (line or "").partition("|")
    abbreviation = abbreviation.strip()
    if not abbreviation:
        return None
    return abbreviation, title.strip() or abbreviation


def agency_fields(agency):
    """``[(abbreviation, title)]``: the fields (lĩnh vực) an agency writes
    in công văn symbols, in its order."""
    result = []
    for line in getattr(agency, "fields_of_work", None) or ():
        parsed = parse_field_line(line)
        if parsed and parsed[0] not in dict(result):
            result.append(parsed)
    return result


@provider(IVocabularyFactory)
def FieldVocabulary(context):
    """Lĩnh vực of the context's agency: ``VX — Văn hóa - Xã hội``."""
    agency = find_agency(context)
    return SimpleVocabulary(
        [
            SimpleTerm(
                abbreviation, token=abbreviation, title=f"{abbreviation} — {title}"
            )
            for abbreviation, title in agency_fields(agency)
        ]
    )
