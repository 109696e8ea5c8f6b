"""``GET /<outgoing document>/@delivery-status``.

Answers ``{"@id": ..., "items": [...]}``: one item per recipient, agencies
of the portal (``agency`` UID, ``document`` their copy, ``state``) and
recipients outside it (``organ_id``, ``email``, reached by ``transport``
``directory``/``email``), each with the last ``status_code`` as in edXML
(01 received … 06 completed, 02 returned), its ``status_title``, ``time``
(when the recipient acted), ``description`` and ``staff``, the recall's
``recall_code`` (13/15/16) and the whole ``log``, oldest first, from the
sender's log (:mod:`phutho.intranet.workflow.delivery`).
"""

from phutho.intranet.workflow.delivery import delivery_status
from plone.restapi.services import Service
from zope.i18n import translate


class DeliveryStatusGet(Service):
    def reply(self):
        items = delivery_status(self.context, external=True)
        for item in items:
            item["status_title"] = self.translate(item["status_title"])
            for entry in item["log"]:
                entry["title"] = self.translate(entry["title"])
        return {
            "@id": f"{self.context.absolute_url()}/@delivery-status",
            "items": items,
        }

    def translate(self, message):
        return translate(message, context=self.request) if message else message
