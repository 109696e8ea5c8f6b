"""A JSON body that Python's parser chokes on is refused up front.

plone.restapi reads JSON bodies with ``json.loads`` — its services, and its
PAS plugin while it signs the request in, before any service runs — and
turns a ``ValueError`` into a 400 (or ignores it); an array nested 100,000
deep raises ``RecursionError`` instead: a 500. So every JSON body is parsed
once when traversal enters the site, before sign-in, and one that cannot
be read (too deep, not UTF-8, not JSON) is refused with a 400.
"""

from phutho.intranet import _
from phutho.intranet.exc import InvalidDataError
from Products.CMFCore.interfaces import ISiteRoot
from zope.component import adapter
from zope.traversing.interfaces import IBeforeTraverseEvent

import json

WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def is_json(request):
    media_type = (request.getHeader("Content-Type") or "").split(";")[0]
    return media_type.strip().lower() == "application/json"


@adapter(ISiteRoot, IBeforeTraverseEvent)
def check_json_body(site, event):
    request = event.request
    if request.get("REQUEST_METHOD", "GET").upper() not in WITH_BODY:
        return
    if not is_json(request):
        return
    body = request.get("BODY")
    if not body:
        return
    try:
        json.loads(body)
    except (ValueError, RecursionError):
        raise InvalidDataError(
            _(
                "error_bad_json",
                default="The request body must be one JSON object, e.g. "
                '{"title": "..."}, sent as UTF-8 with Content-Type: '
                "application/json.",
            )
        )
