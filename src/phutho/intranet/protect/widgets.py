"""Relation widgets show only the documents the reader may see.

Plone's related-items widget prints the UIDs of every related document
into the form (a case file's documents, a reply's originals), also those
the person editing may not view; and on save it keeps only those the
catalog shows them, so saving the form silently dropped the others. These
converters show the visible ones and keep the hidden ones as they are.
"""

from AccessControl import getSecurityManager
from Acquisition import aq_base
from plone.app.z3cform.converters import ContentBrowserDataConverter
from plone.app.z3cform.converters import RelationChoiceContentBrowserWidgetConverter
from plone.app.z3cform.interfaces import IContentBrowserWidget
from plone.app.z3cform.interfaces import IRelatedItemsWidget
from Products.CMFCore.permissions import View
from z3c.relationfield.interfaces import IRelationChoice
from z3c.relationfield.interfaces import IRelationList
from zope.component import adapter


def may_view(obj):
    return obj is not None and bool(getSecurityManager().checkPermission(View, obj))


def stored_targets(converter):
    """The objects the edited item's field holds now, whoever may see
    them (nothing in add forms: the widget's context is the container)."""
    context = converter.widget.context
    field = converter.field
    if context is None or not field.interface.providedBy(context):
        return []
    value = getattr(aq_base(context), field.__name__, None)
    if value is None:
        return []
    relations = value if isinstance(value, (list, tuple)) else [value]
    return [
        r.to_object for r in relations if not r.isBroken() and r.to_object is not None
    ]


class VisibleRelationsConverter(ContentBrowserDataConverter):
    """Related documents: the visible ones in the form, the hidden ones
    kept on save."""

    def toWidgetValue(self, value):
        return super().toWidgetValue([o for o in value or () if may_view(o)])

    def toFieldValue(self, value):
        chosen = list(super().toFieldValue(value) or [])
        hidden = [o for o in stored_targets(self) if not may_view(o)]
        if not chosen and not hidden:
            return self.field.missing_value
        return chosen + hidden


@adapter(IRelationList, IRelatedItemsWidget)
class VisibleRelatedItemsConverter(VisibleRelationsConverter):
    """The related-items widget (case files, documents)."""


@adapter(IRelationList, IContentBrowserWidget)
class VisibleContentBrowserConverter(VisibleRelationsConverter):
    """The content-browser widget."""


class VisibleRelationConverter(RelationChoiceContentBrowserWidgetConverter):
    """One related document: shown if visible, kept if hidden."""

    def toWidgetValue(self, value):
        return super().toWidgetValue(value if may_view(value) else None)

    def toFieldValue(self, value):
        chosen = super().toFieldValue(value)
        if chosen is self.field.missing_value or chosen is None:
            hidden = [o for o in stored_targets(self) if not may_view(o)]
            if hidden:
                return hidden[0]
        return chosen


@adapter(IRelationChoice, IRelatedItemsWidget)
class VisibleRelatedItemConverter(VisibleRelationConverter):
    """``replaces`` of an outgoing document."""


@adapter(IRelationChoice, IContentBrowserWidget)
class VisibleContentBrowserItemConverter(VisibleRelationConverter):
    """The content-browser widget, one item."""
