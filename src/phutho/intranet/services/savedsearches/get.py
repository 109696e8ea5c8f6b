"""``GET /@saved-searches``: the current person's saved searches."""

from phutho.intranet.search import saved
from plone import api
from plone.restapi.services import Service


def describe(context, item):
    return {
        "@id": f"{context.absolute_url()}/@saved-searches/{item['id']}",
        "id": item["id"],
        "name": item["name"],
        "criteria": item["criteria"],
        "created": item["created"].isoformat(timespec="seconds"),
        "results": f"{context.absolute_url()}/@advanced-search?saved={item['id']}",
    }


class SavedSearchesGet(Service):
    def reply(self):
        user_id = api.user.get_current().getId()
        return {
            "@id": f"{self.context.absolute_url()}/@saved-searches",
            "items": [describe(self.context, item) for item in saved.searches(user_id)],
        }
