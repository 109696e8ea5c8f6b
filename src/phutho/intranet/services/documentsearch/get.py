"""``GET /@document-search``: what the search page shows — results with
number and symbol, type, direction, issuing agency, date and state, and
the facets' counts (kind, document type, issuing agency, year, state).

Parameters: ``SearchableText`` (words; diacritics and case ignored), the
facets (``portal_type``, ``document_type``, ``issuer``, ``document_year``,
``review_state``), ``path``, ``sort_on`` (relevance, newest, title),
``b_start``, ``b_size`` (at most 100). What the person may not see is
neither found nor counted.
"""

from phutho.intranet import _
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.work import facets
from phutho.intranet.work.rows import Rows
from plone.restapi.services import Service
from urllib.parse import urlencode
from zope.i18n import translate

MAX_BATCH = 100


def _int(value, default, field):
    if value in (None, ""):
        return default
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        raise InvalidDataError(
            _("error_search_integer", default="A whole number."), field=field
        )


class DocumentSearchGet(Service):
    def reply(self):
        form = self.request.form
        start = _int(form.get("b_start"), 0, "b_start")
        size = min(max(1, _int(form.get("b_size"), 20, "b_size")), MAX_BATCH)
        brains, total, chosen, counts = facets.search(form, self.context, start, size)
        rows = Rows()
        titles = facets.ValueTitles(self.request)
        url = f"{self.context.absolute_url()}/@document-search"
        params = {k: v for k, v in form.items() if k != "b_start"}
        batching = {"@id": f"{url}?{urlencode(params)}" if params else url}
        if start + size < total:
            batching["next"] = f"{url}?{urlencode(dict(params, b_start=start + size))}"
        if start:
            batching["prev"] = (
                f"{url}?{urlencode(dict(params, b_start=max(0, start - size)))}"
            )
        return {
            "@id": url,
            "query": chosen,
            "items_total": total,
            "batching": batching,
            "items": [
                dict(rows(brain), description=brain.Description or "")
                for brain in brains
            ],
            "facets": [
                {
                    "id": name,
                    "title": translate(title, context=self.request),
                    "values": [
                        {"value": value, "title": titles(name, value), "count": count}
                        for value, count in counts.get(name, ())
                    ],
                }
                for name, _index, title in facets.FACETS
            ],
        }
