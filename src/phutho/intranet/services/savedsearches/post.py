"""``POST /@saved-searches`` ``{"name": "...", "query": {<advanced search
parameters>}}``: save a search under a name (201 with it);
``DELETE /@saved-searches/<id>``: delete one (204)."""

from phutho.intranet import _
from phutho.intranet.exc import InvalidDataError
from phutho.intranet.search import saved
from phutho.intranet.services.savedsearches.get import describe
from phutho.intranet.services.utils import json_object
from plone import api
from plone.restapi.services import Service
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse


class SavedSearchesPost(Service):
    def reply(self):
        body = json_object(self.request)
        if not isinstance(body, dict):
            raise InvalidDataError(
                _("error_json_object", default="Send a JSON object."), field=None
            )
        query = body.get("query")
        if not isinstance(query, dict) or not all(
            isinstance(value, str) for value in query.values()
        ):
            raise InvalidDataError(
                _(
                    "error_saved_query",
                    default="query: an object of advanced-search parameters (texts).",
                ),
                field="query",
            )
        user_id = api.user.get_current().getId()
        search_id = saved.save(user_id, body.get("name"), query, self.context)
        self.request.response.setStatus(201)
        return describe(self.context, saved.get(user_id, search_id))


@implementer(IPublishTraverse)
class SavedSearchesDelete(Service):
    search_id = None

    def publishTraverse(self, request, name):
        if self.search_id is None:
            self.search_id = name
            return self
        raise InvalidDataError(
            _("error_saved_unknown", default="No saved search of yours has this id.")
        )

    def reply(self):
        user_id = api.user.get_current().getId()
        saved.delete(user_id, self.search_id or "")
        return self.reply_no_content()
