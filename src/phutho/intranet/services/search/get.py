"""``GET /@search``: plone.restapi's search, with its parameters checked.

plone.restapi passes some query parameters straight to the batching and
the catalog, which fail on values a client may well send (``b_size=-1``,
``sort_limit=x``, an unknown ``operator`` or ``range``, a sort on no
index): a 500 for a typing mistake. They are checked here first and
refused with a 400 naming the parameter; values of the indexes themselves
are parsed by plone.restapi, whose ``QueryParsingError`` the exception
view answers with a 400 too.
"""

from phutho.intranet import _
from phutho.intranet.exc import InvalidDataError
from plone import api
from plone.restapi.services.search.get import SearchGet

# A page of results: Plone's own listings stop at 1000.
MAX_BATCH_SIZE = 1000
COUNTS = ("b_size", "b_start", "sort_limit")
OPERATORS = ("and", "or")
RANGES = ("min", "max", "min:max")
SORT_ORDERS = ("ascending", "descending", "reverse")


def refuse(parameter, problem):
    return InvalidDataError(
        _(
            "error_search_parameter",
            default="Search parameter ${parameter}: ${problem}",
            mapping={"parameter": parameter, "problem": problem},
        ),
        field=parameter,
    )


def check_search_form(form, index_names):
    """Refuse the search parameters the batching or the catalog cannot take."""
    for name in COUNTS:
        if name not in form:
            continue
        value = form[name]
        if isinstance(value, (list, tuple)) or not str(value).strip().isdigit():
            raise refuse(name, _("error_search_count", default="a whole number ≥ 0."))
        if name == "b_size" and not 1 <= int(value) <= MAX_BATCH_SIZE:
            raise refuse(
                name,
                _(
                    "error_search_batch",
                    default="from 1 to ${max}.",
                    mapping={"max": MAX_BATCH_SIZE},
                ),
            )
    for key, value in form.items():
        index, _sep, option = key.partition(".")
        if option == "operator" and value not in OPERATORS:
            raise refuse(key, _("error_search_operator", default='"and" or "or".'))
        if option == "range" and value not in RANGES:
            raise refuse(
                key, _("error_search_range", default='"min", "max" or "min:max".')
            )
    sort_on = form.get("sort_on")
    for name in sort_on if isinstance(sort_on, (list, tuple)) else [sort_on]:
        if name is not None and (not isinstance(name, str) or name not in index_names):
            raise refuse(
                "sort_on", _("error_search_sort", default="sort on a catalog index.")
            )
    sort_order = form.get("sort_order")
    for name in (sort_order if isinstance(sort_order, (list, tuple)) else [sort_order]):
        if name is not None and name not in SORT_ORDERS:
            raise refuse(
                "sort_order",
                _(
                    "error_search_sort_order",
                    default='"ascending", "descending" or "reverse".',
                ),
            )


class CheckedSearchGet(SearchGet):
    def reply(self):
        catalog = api.portal.get_tool("portal_catalog")
        check_search_form(self.request.form, set(catalog.indexes()))
        return super().reply()
