"""Relation fields of documents and case files, as the reader may see them.

plone.restapi serializes a relation's target (title, URL, state) without
checking that the reader may view it; a reply or a case file could then
name a secret document. These serializers drop targets the current user
may not view.
"""

from phutho.intranet.content.casefile import ICaseFile
from phutho.intranet.content.document import IOfficialDocument
from plone import api
from plone.restapi.interfaces import IFieldSerializer
from plone.restapi.serializer.relationfield import RelationChoiceFieldSerializer
from plone.restapi.serializer.relationfield import RelationListFieldSerializer
from z3c.relationfield.interfaces import IRelationChoice
from z3c.relationfield.interfaces import IRelationList
from zope.component import adapter
from zope.interface import implementer
from zope.interface import Interface


def visible(relation):
    """True when the relation resolves to something the user may view."""
    if relation is None or relation.isBroken():
        return False
    target = relation.to_object
    return target is not None and bool(api.user.has_permission("View", obj=target))


@implementer(IFieldSerializer)
class VisibleRelationListSerializer(RelationListFieldSerializer):
    def get_value(self, default=None):
        return [r for r in super().get_value(default) or [] if visible(r)]


@implementer(IFieldSerializer)
class VisibleRelationChoiceSerializer(RelationChoiceFieldSerializer):
    def get_value(self, default=None):
        value = super().get_value(default)
        return value if value is None or visible(value) else None


@adapter(IRelationList, IOfficialDocument, Interface)
class DocumentRelationList(VisibleRelationListSerializer):
    """Related documents, replies, in reply to."""


@adapter(IRelationList, ICaseFile, Interface)
class CaseFileRelationList(VisibleRelationListSerializer):
    """The documents of a case file."""


@adapter(IRelationChoice, IOfficialDocument, Interface)
class DocumentRelationChoice(VisibleRelationChoiceSerializer):
    """The document an outgoing one replaces."""
