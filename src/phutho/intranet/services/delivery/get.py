"""``GET /<outgoing document>/@delivery-status``.

Answers ``{"@id": ..., "items": [{"agency", "agency_title", "document",
"state", "status_code", "status_title", "recall", "recall_code",
"modified"}]}``: one item per recipient agency in the portal,
``status_code`` as in edXML (01 received … 06 completed, 02 returned),
``recall_code`` 13/15/16 while a recall is asked, accepted or refused.
"""

from phutho.intranet.workflow.delivery import delivery_status
from plone.restapi.services import Service
from zope.i18n import translate


class DeliveryStatusGet(Service):
    def reply(self):
        items = delivery_status(self.context)
        for item in items:
            if item["status_title"] is not None:
                item["status_title"] = translate(
                    item["status_title"], context=self.request
                )
        return {
            "@id": f"{self.context.absolute_url()}/@delivery-status",
            "items": items,
        }
