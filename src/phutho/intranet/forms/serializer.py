"""A form over the REST API without a site error.

collective.easyform 5.0.2 asks ``plone.api`` for its permission by id
("collective.easyform.DownloadSavedInput"), which plone.api does not know
(it takes titles): every ``GET`` of a form answered 500. This serializer
asks with the permission's title and is otherwise easyform's.
"""

from collective.easyform.interfaces import IEasyForm
from collective.easyform.serializer import SerializeToJson
from phutho.intranet.interfaces import IPhuthoIntranetLayer
from plone import api
from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.serializer.dxcontent import SerializeToJson as DXContentToJson
from zope.component import adapter
from zope.interface import implementer

DOWNLOAD_SAVED_INPUT = "collective.easyform: Download Saved Input"


@implementer(ISerializeToJson)
@adapter(IEasyForm, IPhuthoIntranetLayer)
class EasyFormSerializer(SerializeToJson):
    def __call__(self, version=None, include_items=True):
        result = DXContentToJson.__call__(self, version, include_items)
        if api.user.has_permission(DOWNLOAD_SAVED_INPUT, obj=self.context):
            self.serializeSavedData(result)
        return result
